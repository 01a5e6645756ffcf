// Every page of the glossary site, not a sample, in headless Chromium
// (Debian's, driven by playwright-core), opened from file:// in one browser
// and one tab, each page laid out three times without reloading:
//   - 360 px wide: nothing is wider than the screen (the page, and no table
//     or reply that would need scrolling sideways), and the page's answer
//     (its [data-answer] element: the outcome, the meaning) starts on the
//     first screen;
//   - 390 x 844 (a phone) and 1280 x 800: the answer starts on the first
//     screen, and the page is no taller than about six screens (SCREENS)
//     before the reader opens a collapsed group.
// Prints TAP, one test a check over all pages, and the five tallest pages
// at each size as comments, and how long it took. Skips when Chromium or
// playwright-core is missing (browser.mjs).
//
// usage: node pages.mjs SITE_DIR
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {launch} from './browser.mjs';

const siteDir = path.resolve(process.argv[2]);
// "About six screens": the few list pages with a line or two per entry go a little over six.
const SCREENS = 6.5;
const SIZES = {narrow: {width: 360, height: 780}, phone: {width: 390, height: 844}, desktop: {width: 1280, height: 800}};

function htmlFiles(dir) {
	const out = [];
	for (const name of fs.readdirSync(dir, {withFileTypes: true})) {
		const p = path.join(dir, name.name);
		if (name.isDirectory())
			out.push(...htmlFiles(p));
		else if (name.name.endsWith('.html'))
			out.push(path.relative(siteDir, p).split(path.sep).join('/'));
	}
	return out.sort();
}

// What one layout of the current page measures.
function measure() {
	const doc = document.documentElement;
	const wide = [];
	for (const e of document.querySelectorAll('.table-wrap, pre, code.reply, dl, ul, ol'))
		if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
			wide.push(`${e.tagName.toLowerCase()}.${e.className} is ${e.scrollWidth}px wide in ${e.clientWidth}px`);
	const answer = document.querySelector('[data-answer]');
	return {
		width: doc.scrollWidth,
		height: doc.scrollHeight,
		wide,
		answerTop: answer ? Math.round(answer.getBoundingClientRect().top + window.scrollY) : null,
	};
}

const started = Date.now();
const pages = htmlFiles(siteDir);
const browser = await launch();
const context = await browser.newContext({viewport: SIZES.narrow});
const tab = await context.newPage();
const errors = [];
tab.on('pageerror', e => errors.push(`${tab.url()}: ${e.message}`));
tab.on('console', m => { if (m.type() === 'error') errors.push(`${tab.url()}: console: ${m.text()}`); });

const seen = {};  // size -> [[page, measure]]
for (const rel of pages) {
	await tab.setViewportSize(SIZES.narrow);
	await tab.goto(pathToFileURL(path.join(siteDir, rel)).href);
	for (const [size, viewport] of Object.entries(SIZES)) {
		if (size !== 'narrow')
			await tab.setViewportSize(viewport);
		(seen[size] ||= []).push([rel, await tab.evaluate(measure)]);
	}
}
await browser.close();

const results = [];
function check(name, problems) {
	results.push([name, problems]);
}
const {width} = SIZES.narrow;
check(`no page of ${pages.length} is wider than a ${width} px screen`, seen.narrow.flatMap(([rel, m]) =>
	(m.width > width ? [`${rel} is ${m.width}px wide`] : []).concat(m.wide.map(w => `${rel}: ${w}`))));
check('every page has its answer ([data-answer])', seen.narrow.filter(([, m]) => m.answerTop === null).map(([rel]) => rel));
for (const [size, viewport] of Object.entries(SIZES)) {
	check(`${size} (${viewport.width} x ${viewport.height}): the answer starts on the first screen`, seen[size]
		.filter(([, m]) => m.answerTop !== null && m.answerTop > viewport.height - 48)
		.map(([rel, m]) => `${rel}: the answer starts at ${m.answerTop}px`));
	if (size !== 'narrow')
		check(`${size} (${viewport.width} x ${viewport.height}): no page is taller than ${SCREENS} screens`, seen[size]
			.filter(([, m]) => m.height > SCREENS * viewport.height)
			.map(([rel, m]) => `${rel} is ${m.height}px tall (${(m.height / viewport.height).toFixed(1)} screens)`));
}
check('no page logged an error', errors);

let failed = 0;
results.forEach(([name, problems], i) => {
	if (problems.length)
		failed++;
	console.log(`${problems.length ? 'not ok' : 'ok'} ${i + 1} - ${name}`);
	for (const p of problems.slice(0, 20))
		console.log(`# ${p}`);
	if (problems.length > 20)
		console.log(`# ... and ${problems.length - 20} more`);
});
for (const size of ['phone', 'desktop']) {
	const tallest = [...seen[size]].sort((a, b) => b[1].height - a[1].height).slice(0, 5);
	console.log(`# tallest at ${SIZES[size].width} px: ` + tallest.map(([rel, m]) => `${rel} ${m.height}`).join(', '));
}
console.log(`# ${pages.length} pages at ${Object.keys(SIZES).length} sizes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`1..${results.length}`);
process.exit(failed ? 1 : 0);
