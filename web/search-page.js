/* The search page: the results for ?q= in full, ranked by search.js. */
(function () {
	'use strict';

	var q = new URLSearchParams(window.location.search).get('q') || '';
	var rootPath = document.body.getAttribute('data-root') || '';
	var input = document.getElementById('q');
	var list = document.getElementById('search-list');
	var status = document.getElementById('search-status');
	var offer = document.getElementById('search-explain');

	function show() {
		var query = input.value;
		offer.hidden = true;
		if (!query.trim())
			return;
		window.SmtpcodeSite.withIndex(function (docs) {
			var pasted = window.SmtpcodeSearch.looksLikeReply(query);
			var results = window.SmtpcodeSearch.rank(docs, query, 50);
			list.textContent = '';
			results.forEach(function (r) {
				var li = document.createElement('li');
				li.appendChild(window.SmtpcodeSite.resultLink(r, true));
				list.appendChild(li);
			});
			var t = window.SmtpcodeSearch.terms(query), shown = t.cut ? t.tokens.join(' ') + ' \u2026' : query.trim();
			if (pasted && shown.length > 80)
				shown = shown.slice(0, 79) + '\u2026';
			status.textContent = (results.length ? results.length + (results.length === 50 ? ' best results' : ' results') +
				' for \u201c' + shown + '\u201d.' : 'Nothing found for \u201c' + shown + '\u201d.') +
				(t.cut && !pasted ? ' Only the first ' + t.tokens.length + ' words were searched.' : '');
			// A pasted reply, or words that find nothing: the explainer reads the text whole.
			if (pasted || !results.length) {
				offer.querySelector('a').href = rootPath + window.SmtpcodeSite.explainResult(query).url;
				offer.querySelector('span').textContent = pasted ?
					'It looks like a reply, a log line or a DSN field: the explainer reads it as the smtpcode command does.' :
					'If these words come from a reply, the explainer reads the whole of it.';
				offer.hidden = false;
			}
		});
	}

	input.value = q;
	input.addEventListener('input', show);
	show();
})();
