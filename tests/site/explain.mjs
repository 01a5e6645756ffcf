// usage: node explain.mjs SITE_DIR < inputs.json > answers.json
// Explains each {text, stage} of the input with the site's explainer, the
// library compiled to WebAssembly and unpacked from explain-wasm.js exactly
// as the page does, and writes what explain-core.js makes of it: the kind of
// input and, for each answer, its classification record and recipient.
import {loadScripts, readStdin} from './load.mjs';

loadScripts(process.argv[2], 'explain-wasm.js', 'explain-core.js');
const ex = await globalThis.SmtpcodeExplain.load();
const stages = Object.fromEntries(ex.stages().map(([v, n]) => [n, v]));
const inputs = JSON.parse(await readStdin());
const out = inputs.map(({text, stage}) => {
	const a = ex.explain(text, stage ? stages[stage.toLowerCase()] : 0);
	return {kind: a.kind, problems: a.problems,
		answers: a.answers.map((x) => ({status: x.status, record: x.record, recipient: x.recipient}))};
});
process.stdout.write(JSON.stringify(out));
