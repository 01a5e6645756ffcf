// usage: node search_limits.mjs SITE_DIR < {} > result.json
// Queries of 100, 1,000 and 10,000 words that every entry holds, each ranked
// by the site's search.js: the best of 5 CPU times of each in this process
// (a ratio is what counts, never the time itself), and whether the longest
// query ranks as its first MAX_WORDS words do, and says it was cut.
import {loadScripts, readStdin} from './load.mjs';

loadScripts(process.argv[2], 'search-index.js', 'search.js');
await readStdin();
const S = globalThis.SmtpcodeSearch;
const docs = S.prepare(globalThis.SMTPCODE_SEARCH);
const letters = 'eaoistnrldcumhpgfy'.split(''); // words found in nearly every entry
const words = n => Array.from({length: n}, (_, i) => letters[i % letters.length]).join(' ');
const urls = q => S.rank(docs, q, 10).map(r => r.url);

function cpuMs(q) {
	let best = Infinity;
	for (let round = 0; round < 5; round++) {
		const t0 = process.cpuUsage();
		S.rank(docs, q, 10);
		const t = process.cpuUsage(t0);
		best = Math.min(best, (t.user + t.system) / 1000);
	}
	return best;
}

urls(words(100)); // the JIT warms up
const longest = words(10000), t = S.terms(longest);
process.stdout.write(JSON.stringify({
	ms: [100, 1000, 10000].map(n => cpuMs(words(n))),
	same: JSON.stringify(urls(longest)) === JSON.stringify(urls(t.tokens.join(' '))),
	cut: t.cut,
	searched: t.tokens.length,
}));
