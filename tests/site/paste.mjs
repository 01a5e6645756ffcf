// usage: node paste.mjs SITE_DIR < texts.json > answers.json
// Whether the site's search.js takes each text for a reply, a log line or a
// DSN field to explain (looksLikeReply), rather than words to look up.
import {loadScripts, readStdin} from './load.mjs';

loadScripts(process.argv[2], 'search.js');
const texts = JSON.parse(await readStdin());
process.stdout.write(JSON.stringify(texts.map(t => globalThis.SmtpcodeSearch.looksLikeReply(t))));
