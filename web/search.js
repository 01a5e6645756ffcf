/*
 * Ranks the entries of search-index.js (generator/site_search.py) for a
 * query, in plain JavaScript and without a server. A query is split at
 * spaces into codes (550, 5.7.26, X.7.26, 5.X.X) and words. A code scores
 * when an entry is named by it (or, for a vendor's code range, covers it);
 * several codes in one query count as the best of them, so "550 5.7.26"
 * puts the page of 5.7.26 first. Every word must be found in the title, the
 * names and phrases, or the text, and scores more in the first and as a
 * whole word.
 */
(function (root) {
	'use strict';

	// A query is cut to its first MAX_CHARS characters and MAX_WORDS distinct
	// words: every word is looked for in every entry, so a pasted page of
	// text froze the page for seconds (10,000 words: 6.7 s), and no entry
	// needs more words than this to be found.
	var MAX_CHARS = 200, MAX_WORDS = 12;

	// By kind index (site_search.KINDS): pages before vendor replies on a tie.
	var KIND_BONUS = [6, 5, 5, 5, 3, 3, 0];
	var CODE_RE = /^([2-5][0-9][0-9]|[245x]\.(0|[1-9][0-9]{0,2}|x)\.(0|[1-9][0-9]{0,2}|x))$/;

	function norm(s) {
		return s.toLowerCase().replace(/\s+/g, ' ').trim();
	}

	function isWordChar(c) {
		return c !== undefined && /[a-z0-9]/.test(c);
	}

	// 2 when t is in s as a whole word, 1 when inside a word, 0 when absent.
	function found(s, t) {
		var i = s.indexOf(t), best = 0;
		while (i >= 0) {
			if (!isWordChar(s[i - 1]) && !isWordChar(s[i + t.length]))
				return 2;
			best = 1;
			i = s.indexOf(t, i + 1);
		}
		return best;
	}

	function prepare(index) {
		return index.entries.map(function (e, n) {
			return {
				n: n, kind: e[0], url: e[1], title: e[2], text: e[5], range: e[6],
				kindName: index.kinds[e[0]],
				codes: e[3] ? e[3].toLowerCase().split(' ') : [],
				lt: e[2].toLowerCase(), lw: e[4].toLowerCase(), lx: e[5].toLowerCase()
			};
		});
	}

	function codeScore(d, t) {
		if (d.codes.indexOf(t) >= 0)
			return 100;
		var m = /^([245])\.([0-9]+)\.([0-9]+)$/.exec(t), r = d.range;
		if (m && r && +m[1] === r[0] && +m[2] === r[1] && +m[3] >= r[2] && +m[3] <= r[3])
			return 90;
		return 0;
	}

	function wordScore(d, t) {
		var s = 0, f;
		if (/[0-9]/.test(t) && d.codes.some(function (c) { return c.indexOf(t) === 0; }))
			s = 25;
		if ((f = found(d.lt, t)))
			s = Math.max(s, f === 2 ? 40 : 20);
		if ((f = found(d.lw, t)))
			s = Math.max(s, f === 2 ? 30 : 12);
		if ((f = found(d.lx, t)))
			s = Math.max(s, f === 2 ? 8 : 4);
		return s;
	}

	/* The words of query q that are searched: {tokens, cut}, cut true when
	 * the query was longer than MAX_CHARS or MAX_WORDS allow. */
	function terms(q) {
		var text = String(q), query = norm(text.slice(0, MAX_CHARS)), tokens = [];
		var cut = /\S/.test(text.slice(MAX_CHARS));
		(query ? query.split(' ') : []).forEach(function (t) {
			if (tokens.indexOf(t) >= 0)
				return;
			if (tokens.length === MAX_WORDS)
				cut = true;
			else
				tokens.push(t);
		});
		return {tokens: tokens, cut: cut};
	}

	/* The best entries for query q, at most max: [{entry, score, url}]. The
	 * url of an enhanced code named with its class carries the class's
	 * anchor (enhanced/X.7.26.html#class-5). */
	function rank(docs, q, max) {
		var tokens = terms(q).tokens;
		if (!tokens.length)
			return [];
		var codes = tokens.filter(function (t) { return CODE_RE.test(t); });
		var words = tokens.filter(function (t) { return !CODE_RE.test(t); });
		var out = [];
		docs.forEach(function (d) {
			var score = 0, i, s, hit = null, matchedCodes = 0;
			for (i = 0; i < codes.length; i++) {
				s = codeScore(d, codes[i]);
				if (s) {
					matchedCodes++;
					if (s > score) {
						score = s;
						hit = codes[i];
					}
				}
			}
			if (codes.length && !matchedCodes)
				return;
			for (i = 0; i < words.length; i++) {
				s = wordScore(d, words[i]);
				if (!s)
					return;
				score += s;
			}
			if (words.length > 1) {
				var phrase = words.join(' ');
				score += found(d.lt, phrase) ? 30 : found(d.lw, phrase) ? 25 : found(d.lx, phrase) ? 10 : 0;
			}
			score += KIND_BONUS[d.kind] + matchedCodes / 2;
			var url = d.url;
			if (hit && d.kindName === 'Enhanced code' && /^[245]\./.test(hit) && url.indexOf('#') < 0)
				url += '#class-' + hit[0];
			out.push({entry: d, score: score, url: url});
		});
		out.sort(function (a, b) {
			return b.score - a.score || a.entry.kind - b.entry.kind || a.entry.n - b.entry.n;
		});
		return out.slice(0, max || 20);
	}

	root.SmtpcodeSearch = {prepare: prepare, rank: rank, norm: norm, terms: terms, MAX_WORDS: MAX_WORDS};
})(typeof globalThis !== 'undefined' ? globalThis : this);
