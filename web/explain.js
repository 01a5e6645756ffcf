/*
 * The explainer page: explains what is pasted with the library compiled to
 * WebAssembly (explain-core.js) and shows the answer as the CLI's explain
 * does: reason, bounce type, verdict, what to do, the codes, the vendor and
 * the text that decided; for a whole bounce message, one answer a recipient. Built with DOM nodes and textContent only: the
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

	// What a recipient's record was read from, in words (enum smtpcode_report).
	var REPORT_WORDS = {
		'dsn': 'the delivery-status fields',
		'text': "the bounce's text",
		'feedback': 'a complaint (feedback report)',
		'auto-reply': 'an automatic reply'
	};

	// One answer: a section with the reason, bounce type, verdict, what to
	// do, the codes, the vendor and the text that decided.
	function answerNode(answer, truncated) {
		var r = answer.record, f = answer.raw, who = answer.recipient;
		var box = el('section', 'explain-answer');
		box.setAttribute('data-reason', r.reason);
		box.setAttribute('data-bounce', r.bounce);
		if (who) {
			box.appendChild(el('h3', 'explain-recipient', who.recipient ? who.recipient : 'No recipient named'));
			box.appendChild(el('p', 'muted', (who.dsn_action || 'no action given') + ', read from ' +
				(REPORT_WORDS[who.report] || who.report) + ', line ' + who.line +
				(who.feedback_type ? '; feedback type ' + who.feedback_type : '') +
				(who.truncated ? '; cut: longer than smtpcode keeps' : '')));
		}
		var head = el('h2', 'explain-head');
		var codes = [r.code, r.enhanced].filter(Boolean).join(' ');
		head.appendChild(el('span', 'code', codes || '(no code)'));
		head.appendChild(document.createTextNode(' ' + ex.name('reason_title', f.reason) + ' '));
		head.appendChild(badge(r.bounce));
		box.appendChild(head);
		if (!r.classified)
			box.appendChild(el('p', 'note', 'No reply code and no known phrase in this text, so nothing decides the reason.'));
		if (truncated)
			box.appendChild(el('p', 'note', 'The text is longer than ' + ex.max + ' bytes; its start was read.'));

		var dl = el('dl', 'facts explain-facts');
		if (r.reply)
			row(dl, 'Reply', el('code', 'reply', r.reply));
		var found = r.carrier === 'bare' ? 'a bare reply' : r.carrier === 'none' ? 'text with no reply code' : r.carrier;
		row(dl, 'Found in', found + (r.stage ? '; stage ' + r.stage : '') + (r.host ? '; host ' + r.host : ''));
		if (r.vendor)
			row(dl, 'Vendor', a('vendor/' + r.vendor + '.html', ex.name('vendor_title', f.vendor)),
				', recognised by \u201c' + ex.span(f.evidence, f.evidenceLen) + '\u201d');
		row(dl, 'Reason', a('reason/' + r.reason + '.html', r.reason, 'name'), ': ' + ex.name('reason_description', f.reason));
		row(dl, 'Decided by', r.decided_by, r.matched ? ' \u201c' + r.matched + '\u201d' : '');
		row(dl, 'Bounce', badge(r.bounce), ' ' + ex.name('bounce_description', f.bounce));
		row(dl, 'Verdict', a('index.html#verdict-' + r.verdict, r.verdict, 'name'),
			': ' + ex.name('verdict_description', f.verdict));
		row(dl, 'What to do', ex.name('action_description', f.action), ' ', a('action/' + r.action + '.html', r.action, 'name'));
		var basicTitle = r.code ? ex.name('basic_title', r.code) : '';
		if (basicTitle)
			row(dl, 'Basic code', a('code/' + r.code + '.html', String(r.code), 'code'), ' ' + basicTitle);
		var rowCode = f.cls ? ex.name('enhanced_row', f.subject, f.detail) : '';
		if (rowCode)
			row(dl, 'Enhanced', a('enhanced/' + rowCode + '.html#class-' + f.cls, r.enhanced, 'code'),
				' ' + ex.name('enhanced_title', f.subject, f.detail));
		// Each flag in plain words, but "several lines", which the reply shows.
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
			var o = el('option', null, s[1]);
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
