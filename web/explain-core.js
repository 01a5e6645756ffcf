/*
 * The explainer's link to the library: loads smtpcode compiled to
 * WebAssembly (web/wasm/explain.c) and turns its answer into a record with
 * the members and values of the CLI's JSON classification record
 * (docs/json.md). No classification happens here: every value comes from the
 * library. A plain script (no module), so it runs from file:// too, and in
 * node for the tests.
 */
(function (root) {
	'use strict';

	// enum field of web/wasm/explain.c, in order.
	var FIELDS = ['status', 'code', 'cls', 'subject', 'detail', 'stage', 'host', 'hostLen',
		'vendor', 'evidence', 'evidenceLen', 'reason', 'action', 'bounce', 'verdict',
		'decidedBy', 'matched', 'matchedLen', 'carrier', 'reply', 'replyLen', 'flags',
		'message', 'line', 'recipient', 'recipientLen', 'dsnAction', 'report', 'feedback', 'feedbackLen', 'cut',
		'queueId', 'queueIdLen', 'timestamp', 'timestampLen', 'logStatus'];
	var EINVAL = -9;
	// enum smtpcode_input
	var KINDS = ['reply', 'message', 'mbox'];

	function Explainer(instance) {
		this.x = instance.exports;
		if (this.x.explain_fields() !== FIELDS.length)
			throw new Error('explain.wasm has ' + this.x.explain_fields() + ' result fields; this script reads ' +
				FIELDS.length + ': rebuild the site');
		this.decoder = new TextDecoder('utf-8');
		this.encoder = new TextEncoder();
		this.max = this.x.explain_input_max();
	}

	Explainer.prototype.bytes = function (ptr, len) {
		return new Uint8Array(this.x.memory.buffer, ptr, len);
	};

	// A NUL-terminated string of the library, or null for a NULL pointer.
	Explainer.prototype.cstring = function (ptr) {
		if (!ptr)
			return null;
		var mem = new Uint8Array(this.x.memory.buffer), end = ptr;
		while (mem[end])
			end++;
		return this.decoder.decode(mem.subarray(ptr, end));
	};

	// Calls an exported function that returns a string: name('reason_name', 3).
	Explainer.prototype.name = function (fn) {
		var f = this.x['smtpcode_' + fn] || this.x['explain_' + fn];
		if (!f)
			throw new Error('explain.wasm exports no ' + fn);
		return this.cstring(f.apply(null, Array.prototype.slice.call(arguments, 1)));
	};

	Explainer.prototype.span = function (ptr, len) {
		return len ? this.decoder.decode(this.bytes(ptr, len)) : null;
	};

	// The SMTP stages the library knows, as [value, name] from 1 on.
	Explainer.prototype.stages = function () {
		var out = [], i, n;
		for (i = 1; (n = this.name('stage_name', i)) !== null; i++)
			out.push([i, n]);
		return out;
	};

	// The CLI's JSON classification members of a record's fields.
	Explainer.prototype.record = function (f) {
		// Bit i of the reply's flags is named by smtpcode_reply_flag_name(1 << i).
		var flags = [], flag, i;
		for (i = 0; (flag = this.name('reply_flag_name', 1 << i)) !== null; i++)
			if (f.flags & (1 << i))
				flags.push(flag);
		return {
			code: f.code || null,
			enhanced: f.cls ? f.cls + '.' + f.subject + '.' + f.detail : null,
			stage: f.stage ? this.name('stage_name', f.stage) : null,
			host: this.span(f.host, f.hostLen),
			vendor: f.vendor ? this.name('vendor_name', f.vendor) : null,
			reason: this.name('reason_name', f.reason),
			action: this.name('action_name', f.action),
			bounce: this.name('bounce_name', f.bounce),
			verdict: this.name('verdict_name', f.verdict),
			decided_by: this.name('signal_name', f.decidedBy),
			matched: this.span(f.matched, f.matchedLen),
			carrier: this.name('carrier_name', f.carrier),
			reply: this.span(f.reply, f.replyLen),
			flags: flags,
			classified: f.status === 0,
			recipient: this.span(f.recipient, f.recipientLen),
			queue_id: this.span(f.queueId, f.queueIdLen),
			timestamp: this.span(f.timestamp, f.timestampLen),
			log_status: f.logStatus ? this.name('log_status_name', f.logStatus) : null
		};
	};

	/*
	 * Explains text (a string) with an optional stage (a value of
	 * stages(), 0 for none), as the CLI's explain does. Returns {kind,
	 * truncated, answers, problems, dropped}: kind is 'reply' for a reply,
	 * a log line or a DSN field (one answer), 'message' or 'mbox' for whole
	 * messages (an answer a recipient); problems[m - 1] lists what was wrong
	 * with message m (smtpcode_message_problem_text()). Each answer is
	 * {status, record, recipient, raw}: status is smtpcode_classify()'s
	 * (-1 for empty text, -8 when nothing was found); record the CLI's JSON
	 * classification members; recipient, for a message, its recipient,
	 * dsn_action, report, feedback_type, message and line; raw the fields
	 * by name. null for a stage out of range.
	 */
	Explainer.prototype.explain = function (text, stage) {
		var bytes = this.encoder.encode(text), truncated = bytes.length > this.max, i, k;
		if (truncated)
			bytes = bytes.subarray(0, this.max);
		this.bytes(this.x.explain_input(), bytes.length).set(bytes);
		var kind = this.x.explain_run(bytes.length, stage || 0);
		if (kind === EINVAL)
			return null;
		var answers = [], n = this.x.explain_count();
		for (k = 0; k < n; k++) {
			var words = new Uint32Array(this.x.memory.buffer, this.x.explain_record(k), FIELDS.length), f = {};
			for (i = 0; i < FIELDS.length; i++)
				f[FIELDS[i]] = words[i];
			f.status = f.status | 0;
			var answer = {status: f.status, record: this.record(f), recipient: null, raw: f};
			if (kind !== 0)
				answer.recipient = {
					recipient: this.span(f.recipient, f.recipientLen),
					dsn_action: f.dsnAction ? this.name('dsn_action_name', f.dsnAction) : null,
					report: this.name('report_name', f.report),
					feedback_type: this.span(f.feedback, f.feedbackLen),
					message: f.message,
					line: f.line,
					truncated: f.cut === 1
				};
			answers.push(answer);
		}
		var problems = [], m, bits, bit;
		for (m = 1; m <= this.x.explain_messages(); m++) {
			bits = this.x.explain_problems(m);
			var texts = [];
			for (bit = 1; bit && bit <= bits; bit = (bit << 1) >>> 0)
				if (bits & bit)
					texts.push(this.name('message_problem_text', bit));
			problems.push(texts);
		}
		return {kind: KINDS[kind], truncated: truncated, answers: answers, problems: problems,
			dropped: this.x.explain_dropped()};
	};

	function fromBytes(bytes) {
		return WebAssembly.instantiate(bytes, {}).then(function (r) {
			return new Explainer(r.instance);
		});
	}

	function base64Bytes(text) {
		var bin = atob(text), out = new Uint8Array(bin.length), i;
		for (i = 0; i < bin.length; i++)
			out[i] = bin.charCodeAt(i);
		return out;
	}

	/* Loads the module that explain-wasm.js left in SMTPCODE_WASM: gzip
	 * bytes in base64, unpacked with the browser's DecompressionStream.
	 * A script, with no network request, so that it works from file:// too. */
	function load() {
		var packed = root.SMTPCODE_WASM;
		if (!packed)
			return Promise.reject(new Error('explain-wasm.js is missing: this site was built without WebAssembly'));
		if (typeof DecompressionStream === 'undefined')
			return Promise.reject(new Error('this browser cannot unpack the explainer (no DecompressionStream)'));
		var stream = new Blob([base64Bytes(packed)]).stream().pipeThrough(new DecompressionStream('gzip'));
		return new Response(stream).arrayBuffer().then(fromBytes);
	}

	root.SmtpcodeExplain = {fromBytes: fromBytes, load: load, FIELDS: FIELDS};
})(typeof globalThis !== 'undefined' ? globalThis : this);
