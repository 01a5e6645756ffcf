// usage: node explain.mjs SITE_DIR < inputs.json > records.json
// Classifies each {text, stage} of the input with the site's explainer, the
// library compiled to WebAssembly and unpacked from explain-wasm.js exactly
// as the page does, and writes the records explain-core.js makes.
import {loadScripts, readStdin} from './load.mjs';

loadScripts(process.argv[2], 'explain-wasm.js', 'explain-core.js');
const ex = await globalThis.SmtpcodeExplain.load();
const stages = Object.fromEntries(ex.stages().map(([v, n]) => [n, v]));
const inputs = JSON.parse(await readStdin());
const out = inputs.map(({text, stage}) => {
	const a = ex.classify(text, stage ? stages[stage.toLowerCase()] : 0);
	return {status: a.status, record: a.record};
});
process.stdout.write(JSON.stringify(out));
