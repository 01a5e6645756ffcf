// usage: node search.mjs SITE_DIR < queries.json > results.json
// Ranks each query with the site's search.js over its search-index.js and
// writes, per query, the best ten as [url, title, kind].
import {loadScripts, readStdin} from './load.mjs';

loadScripts(process.argv[2], 'search-index.js', 'search.js');
const S = globalThis.SmtpcodeSearch;
const docs = S.prepare(globalThis.SMTPCODE_SEARCH);
const queries = JSON.parse(await readStdin());
process.stdout.write(JSON.stringify(queries.map(q =>
	S.rank(docs, q, 10).map(r => [r.url, r.entry.title, r.entry.kindName]))));
