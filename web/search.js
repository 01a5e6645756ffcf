/*
 * Ranks the entries of search-index.js (generator/site_search.py) for a
 * query, in plain JavaScript and without a server. A query is split at
 * spaces into codes (550, 5.7.26, X.7.26, 5.X.X) and words. A code scores
 * when an entry is named by it (or, for a vendor's code range, covers it);
 * several codes in one query count as the best of them, so "550 5.7.26"
 * puts the page of 5.7.26 first. Every word must be found in the title, the
 * names and phrases, or the text, and scores more in the first and as a
 * whole word; words such as "why" or "my" count only when nothing else is
 * asked. A vendor token written anywhere in the query ("(S3150)") names its
 * page.
 *
 * A query that is a reply, a log line or a DSN field rather than words to
 * look up (looksLikeReply) is for the explainer: the search box offers
 * "Explain this" first, and ranks only the pages its codes and tokens name.
 */
(function (root) {
	'use strict';

	// A query is cut to its first MAX_CHARS characters and MAX_WORDS distinct
	// words: every word is looked for in every entry, so a pasted page of
	// text froze the page for seconds (10,000 words: 6.7 s), and no entry
	// needs more words than this to be found.
	var MAX_CHARS = 200, MAX_WORDS = 12;

	// By kind index (site_search.KINDS): pages before vendor replies on a tie.
	var KIND_BONUS = [6, 5, 5, 5, 3, 3, 0, 6, 6, 6, 16];
	var CODE_RE = /^([2-5][0-9][0-9]|[2-5]xx|[245x]\.(0|[1-9][0-9]{0,2}|x)\.(0|[1-9][0-9]{0,2}|x))$/;
	// Words of a question that say nothing about its subject.
	var STOP = ['a', 'an', 'the', 'my', 'me', 'i', 'is', 'are', 'was', 'were', 'be', 'it', 'this', 'that', 'what',
		'why', 'how', 'does', 'did', 'do', 'to', 'of', 'for', 'in', 'on', 'and', 'or', 'mean', 'means', 'got',
		'get', 'getting', 'keep', 'keeps'];
	// How much of a pasted text is looked through for vendor tokens.
	var LITERAL_CHARS = 4000;

	// A reply: a code, then more than codes ("550 5.7.1 Unfortunately, ...", "550 BL000010").
	var REPLY_RE = /^[2-5][0-9][0-9](-|\s+)([^]*)$/;
	// A log line or a bounce's text around a reply.
	var LOG_RE = /(\bstatus=(bounced|deferred|sent|expired)\b|\bdsn=[245]\.|\bsaid:\s|\brelay=\S|postfix\/|\bsmtp error from remote\b|\bremote server returned\b|\bin reply to (rcpt|mail|end of data|data)\b)/i;
	// A field of a delivery status notification.
	var DSN_RE = /^\s*(diagnostic-code|status|action|final-recipient|original-recipient|remote-mta|reporting-mta|x-postfix-sender)\s*:\s*\S/im;
	var ANY_CODE_RE = /(^|[^0-9.])([2-5][0-9][0-9]|[245]\.[0-9]{1,3}\.[0-9]{1,3})([^0-9.]|$)/;

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

	/* Whether text is a reply, a log line or a DSN field to explain rather
	 * than words to look up: "550 5.1.1 user unknown" is, "550 5.1.1" and
	 * "user unknown" are not. */
	function looksLikeReply(q) {
		var t = String(q).slice(0, LITERAL_CHARS).trim();
		if (!t)
			return false;
		var m = REPLY_RE.exec(t);
		if (m && m[2].split(/\s+/).some(function (w) { return w && !CODE_RE.test(w.toLowerCase()); }))
			return true;
		if (LOG_RE.test(t) || DSN_RE.test(t))
			return true;
		// Several lines, or a long text, with a code in it.
		return (/\n/.test(t) || t.split(/\s+/).length >= 8) && ANY_CODE_RE.test(t);
	}

	function prepare(index) {
		return index.entries.map(function (e, n) {
			return {
				n: n, kind: e[0], url: e[1], title: e[2], text: e[5], range: e[6], literal: e[7] || '',
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

	/* The vendor tokens written in text: entries whose literal it holds. */
	function literalHits(docs, text) {
		var lower = String(text).slice(0, LITERAL_CHARS).toLowerCase();
		return docs.filter(function (d) { return d.literal && lower.indexOf(d.literal) >= 0; });
	}

	function withClassAnchor(d, hit) {
		var url = d.url;
		if (hit && d.kindName === 'Enhanced code' && /^[245]\./.test(hit) && url.indexOf('#') < 0)
			url += '#class-' + hit[0];
		return url;
	}

	/* For a pasted reply: the pages of the tokens it holds; for a short one
	 * the pages its words find too ("550 dmarc"); then the pages of its
	 * codes (a code more than once counts once). */
	function rankPaste(docs, q, max) {
		var out = [], seen = {};
		function add(d, score, hit, url) {
			if (seen[d.n])
				return;
			seen[d.n] = true;
			out.push({entry: d, score: score, url: url || withClassAnchor(d, hit)});
		}
		literalHits(docs, q).forEach(function (d) { add(d, 200 + d.literal.length, null); });
		if (!terms(q).cut)
			rankWords(docs, q, max).forEach(function (r) { add(r.entry, r.score, null, r.url); });
		var codes = [], m, re = /(^|[^0-9.])([2-5][0-9][0-9]|[245]\.[0-9]{1,3}\.[0-9]{1,3})(?=[^0-9.]|$)/g;
		var text = String(q).slice(0, LITERAL_CHARS);
		while ((m = re.exec(text)) && codes.length < MAX_WORDS)
			if (codes.indexOf(m[2]) < 0)
				codes.push(m[2]);
		codes.forEach(function (c, i) {
			docs.forEach(function (d) {
				if (d.kindName !== 'Vendor reply' && codeScore(d, c))
					add(d, 100 - i, c);
			});
		});
		return out.slice(0, max || 20);
	}

	/* The best entries for query q, at most max: [{entry, score, url}]. The
	 * url of an enhanced code named with its class carries the class's
	 * anchor (enhanced/X.7.26.html#class-5). */
	function rank(docs, q, max) {
		return looksLikeReply(q) ? rankPaste(docs, q, max) : rankWords(docs, q, max);
	}

	function rankWords(docs, q, max) {
		var tokens = terms(q).tokens;
		if (!tokens.length)
			return [];
		var codes = tokens.filter(function (t) { return CODE_RE.test(t); });
		var words = tokens.filter(function (t) { return !CODE_RE.test(t); });
		var asked = words.filter(function (t) { return STOP.indexOf(t) < 0; });
		if (asked.length || codes.length)
			words = asked;
		var literal = {};
		literalHits(docs, q).forEach(function (d) { literal[d.n] = true; });
		var out = [];
		docs.forEach(function (d) {
			if (literal[d.n]) {
				out.push({entry: d, score: 300, url: d.url});
				return;
			}
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
			out.push({entry: d, score: score, url: withClassAnchor(d, hit)});
		});
		out.sort(function (a, b) {
			return b.score - a.score || a.entry.kind - b.entry.kind || a.entry.n - b.entry.n;
		});
		return out.slice(0, max || 20);
	}

	root.SmtpcodeSearch = {prepare: prepare, rank: rank, norm: norm, terms: terms, looksLikeReply: looksLikeReply,
		MAX_WORDS: MAX_WORDS};
})(typeof globalThis !== 'undefined' ? globalThis : this);
