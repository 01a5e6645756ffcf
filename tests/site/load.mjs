// Loads scripts of the built site into this node process, as a browser would
// run them: each is a plain script that leaves a global behind.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

export function loadScripts(siteDir, ...names) {
	for (const name of names)
		vm.runInThisContext(fs.readFileSync(path.join(siteDir, name), 'utf8'), {filename: name});
}

export async function readStdin() {
	const chunks = [];
	for await (const c of process.stdin)
		chunks.push(c);
	return Buffer.concat(chunks).toString('utf8');
}
