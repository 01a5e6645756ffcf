/*
 * What every page does: the theme switch and the search box in the header.
 * The search index is a script loaded on first use (search-index.js), so
 * pages stay light and search works from file:// as well.
 */
(function () {
	'use strict';

	var doc = document.documentElement;
	var rootPath = document.body.getAttribute('data-root') || '';

	/* Theme: data-theme on <html> overrides prefers-color-scheme; the
	 * choice is kept in localStorage when the browser allows it. */
	function currentTheme() {
		var t = doc.getAttribute('data-theme');
		if (t)
			return t;
		return window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
	}

	var themeButton = document.getElementById('theme');
	function showTheme() {
		themeButton.setAttribute('aria-pressed', currentTheme() === 'dark' ? 'true' : 'false');
	}
	themeButton.addEventListener('click', function () {
		var next = currentTheme() === 'dark' ? 'light' : 'dark';
		doc.setAttribute('data-theme', next);
		try {
			localStorage.setItem('smtpcode-theme', next);
		} catch (e) {
			/* file:// in some browsers, or storage turned off: this page only */
		}
		showTheme();
	});
	showTheme();

	/* The index, loaded once; callbacks wait for it. */
	var docs = null, waiting = [], loading = false;
	function withIndex(cb) {
		if (docs)
			return cb(docs);
		waiting.push(cb);
		if (loading)
			return;
		loading = true;
		var s = document.createElement('script');
		s.src = rootPath + 'search-index.js';
		s.onload = function () {
			docs = window.SmtpcodeSearch.prepare(window.SMTPCODE_SEARCH);
			waiting.splice(0).forEach(function (f) { f(docs); });
		};
		s.onerror = function () {
			loading = false;
			waiting.length = 0;
		};
		document.head.appendChild(s);
	}

	/* "Explain this": the query as a result that opens the explainer with it. */
	function explainResult(q) {
		return {url: 'explain.html?q=' + encodeURIComponent(q), explain: true, entry: {
			title: 'Explain this', kindName: 'Explainer',
			text: 'A reply, a log line or a DSN field: the explainer reads it as the smtpcode command does.'}};
	}

	/* One result as a link: title, kind, and the start of its text. */
	function resultLink(r, long) {
		var a = document.createElement('a');
		a.href = rootPath + r.url;
		var t = document.createElement('span');
		t.className = 'result-title';
		t.textContent = r.entry.title;
		var k = document.createElement('span');
		k.className = 'result-kind';
		k.textContent = r.entry.kindName;
		var x = document.createElement('span');
		x.className = 'result-text';
		var max = long ? 240 : 110;
		x.textContent = r.entry.text.length > max ? r.entry.text.slice(0, max - 1) + '\u2026' : r.entry.text;
		a.appendChild(t);
		a.appendChild(k);
		a.appendChild(x);
		return a;
	}

	var input = document.getElementById('q');
	var list = document.getElementById('q-results');
	var form = input.form;
	var results = [], active = -1;

	function close() {
		list.hidden = true;
		input.setAttribute('aria-expanded', 'false');
		input.removeAttribute('aria-activedescendant');
		active = -1;
	}

	function setActive(i) {
		var items = list.children, j;
		active = i;
		for (j = 0; j < items.length; j++)
			items[j].setAttribute('aria-selected', j === i ? 'true' : 'false');
		if (i >= 0)
			input.setAttribute('aria-activedescendant', items[i].id);
		else
			input.removeAttribute('aria-activedescendant');
	}

	// The search page lists results in full itself (search-page.js).
	var ownList = document.body.getAttribute('data-page') === 'search';

	function update() {
		var q = input.value;
		if (ownList)
			return;
		withIndex(function (d) {
			if (q !== input.value)
				return;
			var pasted = window.SmtpcodeSearch.looksLikeReply(q);
			results = window.SmtpcodeSearch.rank(d, q, pasted ? 7 : 8);
			if (pasted)
				results.unshift(explainResult(q));
			list.textContent = '';
			results.forEach(function (r, i) {
				var li = document.createElement('li');
				li.id = 'q-result-' + i;
				li.setAttribute('role', 'option');
				if (r.explain)
					li.className = 'explain-this';
				li.appendChild(resultLink(r, false));
				list.appendChild(li);
			});
			if (!results.length && input.value.trim()) {
				// Nothing matches: words of a reply, perhaps, which the explainer reads whole.
				var none = document.createElement('li');
				none.className = 'none';
				none.appendChild(document.createTextNode('Nothing found. '));
				var a = document.createElement('a');
				a.href = rootPath + explainResult(q).url;
				a.textContent = 'Explain it as a reply';
				none.appendChild(a);
				list.appendChild(none);
			}
			list.hidden = !input.value.trim();
			input.setAttribute('aria-expanded', list.hidden ? 'false' : 'true');
			setActive(-1);
		});
	}

	input.addEventListener('focus', function () { withIndex(function () {}); });
	input.addEventListener('input', update);
	input.addEventListener('keydown', function (ev) {
		if (list.hidden || !results.length) {
			if (ev.key === 'Escape')
				close();
			return;
		}
		if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
			ev.preventDefault();
			var n = results.length;
			setActive(ev.key === 'ArrowDown' ? (active + 1) % n : (active + n - 1) % n);
		} else if (ev.key === 'Escape') {
			close();
		}
	});
	form.addEventListener('submit', function (ev) {
		// Enter opens the chosen (or best) result; with none, the search page.
		if (results.length && !list.hidden) {
			ev.preventDefault();
			window.location.href = rootPath + results[active >= 0 ? active : 0].url;
		}
	});
	document.addEventListener('click', function (ev) {
		if (!form.contains(ev.target))
			close();
	});

	/* A link to something inside a collapsed group (a vendor reply that a
	 * search result names, vendor/gmail.html#sample-12) opens the group. */
	function openTarget() {
		var id = decodeURIComponent(window.location.hash.slice(1)), t = id && document.getElementById(id), e;
		if (!t)
			return;
		for (e = t; e; e = e.parentElement)
			if (e.tagName === 'DETAILS')
				e.open = true;
		t.scrollIntoView();
	}
	window.addEventListener('hashchange', openTarget);
	openTarget();

	window.SmtpcodeSite = {withIndex: withIndex, resultLink: resultLink, explainResult: explainResult};
})();
