/*
 * The explainer page: explains what is pasted with the library compiled to
 * WebAssembly (explain-core.js) and shows the answer the CLI's explain
 * gives, for people: what to do first, then what the server said (its
 * lines without their codes), what it means, the bounce type, the verdict,
 * the vendor and why, each under a plain label; for a whole bounce message,
 * one answer a recipient. Built with DOM nodes and textContent only: the
 * pasted text is never parsed as HTML.
 */
(function () {
	'use strict';

	var rootPath = document.body.getAttribute('data-root') || '';
	var form = document.getElementById('explain-form');
	var text = document.getElementById('explain-text');
	var stage = document.getElementById('explain-stage');
	var out = document.getElementById('explain-out');
	var ex = null;

	function el(tag, cls, content) {
		var e = document.createElement(tag);
		if (cls)
			e.className = cls;
		if (content !== undefined && content !== null)
			e.textContent = content;
		return e;
	}

	function a(href, content, cls) {
		var e = el('a', cls, content);
		e.href = rootPath + href;
		return e;
	}

	function message(cls, content) {
		out.textContent = '';
		out.removeAttribute('data-reason');
		out.removeAttribute('data-bounce');
		out.removeAttribute('data-kind');
		out.appendChild(el('p', cls, content));
	}

	// A <dt>/<dd> pair; parts are strings or nodes.
	function row(dl, term) {
		var dd = el('dd');
		Array.prototype.slice.call(arguments, 2).forEach(function (p) {
			if (p === null || p === undefined || p === '')
				return;
			dd.appendChild(typeof p === 'string' ? document.createTextNode(p) : p);
		});
		dl.appendChild(el('dt', null, term));
		dl.appendChild(dd);
	}

	function badge(bounce) {
		return a('index.html#bounce-' + bounce, bounce, 'badge bounce-' + bounce);
	}

	var EEMPTY = -1;

	// The library's names in plain words, for people (the JSON keeps the names).
	var REPORT_WORDS = {
		'dsn': 'its delivery-status fields',
		'text': "the bounce's text",
		'feedback': 'a complaint (feedback report)',
		'auto-reply': 'an automatic reply'
	};
	var DSN_WORDS = {
		'failed': 'Delivery failed',
		'delayed': 'Delivery is delayed; the mail system is still trying',
		'delivered': 'Delivered',
		'relayed': 'Passed on to a system that sends no report',
		'expanded': "Delivered to a list's members"
	};
	var CARRIER_WORDS = {
		'none': 'text with no reply code',
		'bare': 'a reply',
		'dsn': "a delivery status notification's fields",
		'postfix': 'a Postfix log line or bounce',
		'exim': 'an Exim log line or bounce',
		'sendmail': 'a Sendmail log line',
		'exchange': 'an Exchange bounce'
	};
	var STAGE_WORDS = {
		'connect': 'the connection (the greeting)',
		'ehlo': 'EHLO or HELO',
		'mail': 'MAIL FROM (the sender)',
		'rcpt': 'RCPT TO (a recipient)',
		'data': 'DATA',
		'end-of-data': 'the end of the message, after DATA'
	};
	var SIGNAL_WORDS = {
		'none': 'nothing: the text has no code and no words smtpcode knows',
		'basic': 'the basic code alone, as nothing more specific is in the reply',
		'generic-enhanced': 'the enhanced code, which names no cause',
		'generic-phrase': 'words that name a refusal but not its cause',
		'stage': 'the command it answered',
		'enhanced': 'the enhanced code',
		'phrase': 'the words',
		'vendor-code': "the vendor's own meaning of its enhanced code",
		'token': "the vendor's token",
		'report': 'the kind of message'
	};
	var LOG_WORDS = {
		'sent': 'delivered',
		'deferred': 'kept to be tried again',
		'bounced': 'returned to the sender',
		'expired': 'given up after retrying'
	};

	function words(table, name) {
		return Object.prototype.hasOwnProperty.call(table, name) ? table[name] : name;
	}

	// The reply as a person reads it: the text of its lines without the codes.
	function said(f) {
		if (!f.replyLen)
			return '';
		var n = ex.x.explain_said(f.reply, f.replyLen);
		return n ? ex.span(ex.x.explain_said_text(), n) : '';
	}

	// One answer: a section with what to do first, then what the server
	// said and why, each field under a plain label; data-* carry the
	// library's names for the tests.
	function answerNode(answer, truncated) {
		var r = answer.record, f = answer.raw, who = answer.recipient;
		var box = el('section', 'explain-answer');
		['reason', 'action', 'bounce', 'verdict', 'vendor', 'enhanced', 'code', 'decided_by'].forEach(function (k) {
			if (r[k] !== null)
				box.setAttribute('data-' + k.replace('_', '-'), String(r[k]));
		});
		if (who) {
			box.appendChild(el('h3', 'explain-recipient', who.recipient ? who.recipient : 'No recipient named'));
			box.appendChild(el('p', 'muted', (who.dsn_action ? words(DSN_WORDS, who.dsn_action) : 'The report does not say what became of it') +
				', says ' + words(REPORT_WORDS, who.report) + ' (line ' + who.line + ')' +
				(who.feedback_type ? '; complaint of type ' + who.feedback_type : '') +
				(who.truncated ? '; cut: longer than smtpcode keeps' : '') + '.'));
		}
		var head = el('h2', 'explain-head');
		var codes = [r.code, r.enhanced].filter(Boolean).join(' ');
		if (codes)
			head.appendChild(el('span', 'code', codes));
		head.appendChild(document.createTextNode((codes ? ' ' : '') + ex.name('reason_title', f.reason) + ' '));
		head.appendChild(badge(r.bounce));
		box.appendChild(head);
		if (!r.classified)
			box.appendChild(el('p', 'note', 'No reply code and no known phrase in this text, so nothing decides the reason.'));
		if (truncated)
			box.appendChild(el('p', 'note', 'The text is longer than ' + ex.max + ' bytes; its start was read.'));
		var todo = el('p', 'explain-do');
		todo.appendChild(el('strong', null, 'What to do: '));
		todo.appendChild(document.createTextNode(ex.name('action_description', f.action) + ' '));
		todo.appendChild(a('action/' + r.action + '.html', ex.name('action_title', f.action), 'name'));
		box.appendChild(todo);

		var dl = el('dl', 'facts explain-facts');
		if (r.reply) {
			var text = said(f), shown = el('div', 'said');
			if (text)
				shown.appendChild(el('p', 'said-text', text));
			// The reply as it came, line by line, for the record.
			var raw = el('details', 'said-raw');
			raw.appendChild(el('summary', null, 'The reply as sent'));
			raw.appendChild(el('code', 'reply', r.reply));
			if (!text)
				raw.open = true;
			shown.appendChild(raw);
			row(dl, 'The server said', shown);
		}
		row(dl, 'What it means', a('reason/' + r.reason + '.html', ex.name('reason_title', f.reason), 'name'), ': ' +
			ex.name('reason_description', f.reason), ' ', el('code', 'muted', r.reason));
		row(dl, 'Bounce type', badge(r.bounce), ' ' + ex.name('bounce_description', f.bounce));
		row(dl, 'For an address check', a('verify.html#verdict-' + r.verdict,
			ex.name('verdict_title', f.verdict), 'name'), ': ' + ex.name('verdict_description', f.verdict));
		if (r.vendor)
			row(dl, 'Sent by', a('vendor/' + r.vendor + '.html', ex.name('vendor_title', f.vendor)),
				', recognised by \u201c' + ex.span(f.evidence, f.evidenceLen) + '\u201d');
		row(dl, 'Why this answer', words(SIGNAL_WORDS, r.decided_by), r.matched ? ' \u201c' + r.matched + '\u201d' : '');
		row(dl, 'Found in', words(CARRIER_WORDS, r.carrier) + (r.stage ? ', answering ' + words(STAGE_WORDS, r.stage) : '') +
			(r.host ? ', from ' + r.host : ''));
		if (!who && (r.recipient || r.queue_id || r.timestamp || r.log_status))
			row(dl, 'The log line says', [
				r.recipient ? 'recipient ' + r.recipient : '',
				r.log_status ? 'the message was ' + words(LOG_WORDS, r.log_status) : '',
				r.queue_id ? 'queue ID ' + r.queue_id : '',
				r.timestamp ? 'at ' + r.timestamp : ''
			].filter(Boolean).join('; '));
		var basicTitle = r.code ? ex.name('basic_title', r.code) : '';
		if (basicTitle)
			row(dl, 'Basic code', a('code/' + r.code + '.html', String(r.code), 'code'), ' ' + basicTitle);
		var rowCode = f.cls ? ex.name('enhanced_row', f.subject, f.detail) : '';
		if (rowCode)
			row(dl, 'Enhanced code', a('enhanced/' + rowCode + '.html#class-' + f.cls, r.enhanced, 'code'),
				' ' + ex.name('enhanced_title', f.subject, f.detail));
		// Each odd thing about the reply in plain words, but "several lines",
		// which the reply shows.
		for (var i = 1, note; (note = ex.name('reply_flag_description', 1 << i)) !== null; i++)
			if (f.flags & (1 << i))
				row(dl, 'Note', note);
		box.appendChild(dl);
		return box;
	}

	function render(result) {
		out.textContent = '';
		out.removeAttribute('data-reason');
		out.removeAttribute('data-bounce');
		out.removeAttribute('data-kind');
		if (!result)
			return;
		var answers = result.answers;
		if (result.kind === 'reply') {
			var only = answers[0];
			if (!only || only.status === EEMPTY)
				return;
			out.setAttribute('data-reason', only.record.reason);
			out.setAttribute('data-bounce', only.record.bounce);
			out.appendChild(answerNode(only, result.truncated));
			return;
		}
		// A whole message: one answer a recipient, and what was odd about it.
		out.setAttribute('data-kind', result.kind);
		out.appendChild(el('p', 'explain-summary', answers.length === 1 ? 'One recipient in this ' +
			(result.kind === 'mbox' ? 'mailbox' : 'message') + '.' : answers.length + ' recipients in this ' +
			(result.kind === 'mbox' ? 'mailbox' : 'message') + '.'));
		result.problems.forEach(function (texts, i) {
			texts.forEach(function (t) {
				out.appendChild(el('p', 'note', (result.problems.length > 1 ? 'Message ' + (i + 1) + ': ' : '') + t + '.'));
			});
		});
		if (result.dropped)
			out.appendChild(el('p', 'note', result.dropped + ' more recipients are not shown; the smtpcode command lists them all.'));
		answers.forEach(function (answer) {
			out.appendChild(answerNode(answer, result.truncated));
		});
	}

	function explain() {
		if (!ex)
			return;
		render(ex.explain(text.value, +stage.value));
	}

	var timer = null;
	text.addEventListener('input', function () {
		clearTimeout(timer);
		timer = setTimeout(explain, 120);
	});
	stage.addEventListener('change', explain);
	form.addEventListener('submit', function (ev) {
		ev.preventDefault();
		explain();
	});
	Array.prototype.forEach.call(document.querySelectorAll('button.example'), function (b) {
		b.addEventListener('click', function () {
			text.value = b.getAttribute('data-text');
			explain();
			text.focus();
		});
	});

	var q = new URLSearchParams(window.location.search).get('q');
	if (q)
		text.value = q;

	if (!window.SmtpcodeExplain)
		return;
	message('muted', 'Loading the classifier\u2026');
	window.SmtpcodeExplain.load().then(function (explainer) {
		ex = explainer;
		ex.stages().forEach(function (s) {
			var o = el('option', null, words(STAGE_WORDS, s[1]));
			o.value = String(s[0]);
			stage.appendChild(o);
		});
		out.textContent = '';
		form.setAttribute('data-ready', 'true');
		explain();
	}, function (err) {
		message('note', 'The explainer could not start: ' + err.message + '. The smtpcode command gives the same answer.');
	});
})();
