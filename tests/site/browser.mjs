// Headless Chromium for the site's tests: Debian's /usr/bin/chromium (or
// $CHROMIUM), driven by playwright-core; nothing is downloaded. When either
// is missing, launch() prints a TAP plan that skips everything and exits.
import fs from 'node:fs';

export async function launch() {
	const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
	let playwright;
	try {
		playwright = await import('playwright-core');
	} catch {
		console.log('1..0 # SKIP playwright-core is not installed (npm ci in tests/site)');
		process.exit(0);
	}
	if (!fs.existsSync(chromium)) {
		console.log(`1..0 # SKIP no Chromium at ${chromium} (apt-get install chromium)`);
		process.exit(0);
	}
	return playwright.chromium.launch({executablePath: chromium, args: ['--headless', '--no-sandbox', '--disable-gpu']});
}
