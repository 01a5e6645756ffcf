/* The search page: the results for ?q= in full, ranked by search.js. */
(function () {
	'use strict';

	var q = new URLSearchParams(window.location.search).get('q') || '';
	var input = document.getElementById('q');
	var list = document.getElementById('search-list');
	var status = document.getElementById('search-status');

	function show() {
		var query = input.value;
		if (!query.trim())
			return;
		window.SmtpcodeSite.withIndex(function (docs) {
			var results = window.SmtpcodeSearch.rank(docs, query, 50);
			list.textContent = '';
			results.forEach(function (r) {
				var li = document.createElement('li');
				li.appendChild(window.SmtpcodeSite.resultLink(r, true));
				list.appendChild(li);
			});
			var t = window.SmtpcodeSearch.terms(query), shown = t.cut ? t.tokens.join(' ') + ' \u2026' : query.trim();
			status.textContent = (results.length ? results.length + (results.length === 50 ? ' best results' : ' results') +
				' for \u201c' + shown + '\u201d.' : 'Nothing found for \u201c' + shown + '\u201d.') +
				(t.cut ? ' Only the first ' + t.tokens.length + ' words were searched.' : '');
		});
	}

	input.value = q;
	input.addEventListener('input', show);
	show();
})();
