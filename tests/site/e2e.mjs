// The glossary site end to end in headless Chromium (Debian's, driven by
// playwright-core; nothing is downloaded), opened from file:// and from a
// local web server: search 5.7.26 and follow the best result, open a vendor
// page, paste a Gmail DMARC bounce into the explainer, paste replies and log
// lines into the search box and follow "Explain this" to the CLI's answer,
// check that the explainer's answer is in plain words, switch to the dark
// theme, and make sure a reply holding <script> stays text. Screenshots go
// to SCREENSHOT_DIR. Prints TAP; skips when Chromium or playwright-core is
// missing. pages.mjs checks every page's width and height.
//
// usage: node e2e.mjs SITE_DIR SCREENSHOT_DIR GEN_SITE DATADIR SMTPCODE
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {launch} from './browser.mjs';

const [siteDir, shotDir, genSite, dataDir, smtpcode] = process.argv.slice(2).map(p => path.resolve(p));
const here = path.dirname(new URL(import.meta.url).pathname);
const browser = await launch();
fs.mkdirSync(shotDir, {recursive: true});

// The first [[sample]] of a data file that has every wanted key = value
// (and whose text holds `holding`); enough TOML for data/samples: one
// `key = "string"` or `key = number` a line.
function sample(file, wanted, holding = '') {
	const text = fs.readFileSync(path.join(dataDir, 'samples', file), 'utf8');
	for (const block of text.split(/^\[\[sample\]\]$/m).slice(1)) {
		const s = {};
		for (const m of block.matchAll(/^(\w+) = (".*"|\d+)$/gm))
			s[m[1]] = JSON.parse(m[2]);
		if (Object.entries(wanted).every(([k, v]) => s[k] === v) && s.text.includes(holding))
			return s;
	}
	throw new Error(`no sample in ${file} with ${JSON.stringify(wanted)}`);
}

// A sample as the reply line a server sends: "550 5.7.1 text".
const replyOf = s => [s.code, s.enhanced, s.text].filter(Boolean).join(' ');
// Line n (1 on) of a test fixture.
const fixtureLine = (name, n) => fs.readFileSync(path.join(here, '..', 'data', name), 'utf8').split('\n')[n - 1];

// A static web server for the site, on a free port of localhost.
const TYPES = {'.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript'};
const server = http.createServer((req, res) => {
	const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '');
	const file = path.join(siteDir, rel || 'index.html');
	if (!file.startsWith(siteDir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
		res.writeHead(404);
		return res.end();
	}
	res.writeHead(200, {'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream'});
	fs.createReadStream(file).pipe(res);
});
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
const httpBase = `http://127.0.0.1:${server.address().port}/`;
const fileBase = pathToFileURL(siteDir).href + '/';

const problems = [];  // console errors and uncaught exceptions of every page

async function open(url, options = {}) {
	const context = await browser.newContext({viewport: {width: 1200, height: 900}, ...options});
	const page = await context.newPage();
	page.on('console', m => { if (m.type() === 'error') problems.push(`${url}: console: ${m.text()}`); });
	page.on('pageerror', e => problems.push(`${url}: ${e.message}`));
	await page.goto(url);
	return page;
}

async function shot(page, name) {
	await page.screenshot({path: path.join(shotDir, name + '.png')});
}

function assert(ok, message) {
	if (!ok)
		throw new Error(message);
}

const tests = [];
const test = (name, fn) => tests.push([name, fn]);
const hasWasm = fs.existsSync(path.join(siteDir, 'explain-wasm.js'));

for (const [where, base] of [['file', fileBase], ['http', httpBase]]) {
	test(`${where}: the index opens with its sections`, async () => {
		const page = await open(base + 'index.html');
		assert(await page.locator('h1').count() === 1, 'one h1');
		assert(await page.locator('#bounce-block').count() === 1, 'the bounce types are on the index');
		await shot(page, `${where}-index`);
		await page.context().close();
	});

	test(`${where}: searching 5.7.26 lists X.7.26 first and leads to its page`, async () => {
		const page = await open(base + 'index.html');
		await page.locator('#q').pressSequentially('5.7.26', {delay: 30});
		const first = page.locator('#q-results li').first();
		await first.waitFor({state: 'visible', timeout: 10000});
		const title = await first.locator('.result-title').textContent();
		assert(title.startsWith('X.7.26'), `the best result is ${title}`);
		await shot(page, `${where}-search`);
		await first.locator('a').click();
		await page.waitForURL(/enhanced\/X\.7\.26\.html#class-5$/, {timeout: 10000});
		const h1 = await page.locator('h1').textContent();
		assert(h1.includes('X.7.26'), `landed on "${h1}"`);
		assert(await page.locator('#class-5 dl.outcome').isVisible(), 'the 5.7.26 section is shown');
		await shot(page, `${where}-code-X.7.26`);
		await page.context().close();
	});

	test(`${where}: the search page ranks ?q=TSS04, its token's page first`, async () => {
		const page = await open(base + 'search.html?q=TSS04');
		const first = page.locator('#search-list li').first();
		await first.waitFor({timeout: 10000});
		const href = await first.locator('a').getAttribute('href');
		assert(href.endsWith('token/TSS04.html'), `the best result is ${href}`);
		await page.context().close();
	});

	test(`${where}: a 10,000-word query is cut and answered at once`, async () => {
		// Typed, not in the URL: a 20 KB request line is more than a web server takes.
		const words = Array.from({length: 10000}, (_, i) => 'eaoistnrldcumhpgfy'[i % 18]).join(' ');
		const page = await open(base + 'search.html');
		await page.locator('#q').fill(words);
		const status = page.locator('#search-status');
		await page.waitForFunction(() => /words were searched/.test(document.getElementById('search-status').textContent),
			null, {timeout: 10000});
		const text = await status.textContent();
		assert(text.includes('Only the first 12 words were searched.'), `the status says "${text}"`);
		await page.context().close();
	});

	test(`${where}: a vendor page shows its codes and replies`, async () => {
		const page = await open(base + 'vendor/gmail.html');
		assert((await page.locator('h1').textContent()).includes('Gmail'), 'the Gmail page');
		assert(await page.locator('#replies li.sample').count() > 10, 'its replies are listed');
		assert(await page.locator('#postmaster a').count() > 0, 'its postmaster links are listed');
		await shot(page, `${where}-vendor-gmail`);
		await page.context().close();
	});

	test(`${where}: the explainer classifies a pasted Gmail DMARC bounce`, async () => {
		if (!hasWasm)
			return 'SKIP the site was built without WebAssembly';
		const s = sample('google-microsoft.toml', {vendor: 'gmail', reason: 'auth-dmarc', bounce: 'block'});
		const page = await open(base + 'explain.html');
		await page.locator('#explain-form[data-ready=true]').waitFor({timeout: 20000});
		await page.locator('#explain-text').fill(`${s.code} ${s.enhanced} ${s.text}`);
		const out = page.locator('#explain-out[data-reason]');
		await out.waitFor({timeout: 10000});
		const [reason, bounce] = [await out.getAttribute('data-reason'), await out.getAttribute('data-bounce')];
		assert(reason === 'auth-dmarc' && bounce === 'block', `reason ${reason}, bounce ${bounce}`);
		const text = await out.textContent();
		assert(text.includes('auth-dmarc') && text.includes(s.text), 'the answer names the reason and shows the reply');
		await shot(page, `${where}-explain`);
		await page.context().close();
	});

	test(`${where}: a whole bounce pasted in gets one answer a recipient`, async () => {
		if (!hasWasm)
			return 'SKIP the site was built without WebAssembly';
		const bounce = fs.readFileSync(path.join(here, '..', 'data', 'postfix_dsn.eml'), 'utf8');
		const page = await open(base + 'explain.html');
		await page.locator('#explain-form[data-ready=true]').waitFor({timeout: 20000});
		await page.locator('#explain-text').fill(bounce);
		await page.locator('#explain-out[data-kind=message]').waitFor({timeout: 10000});
		const answers = await page.locator('#explain-out section.explain-answer').evaluateAll(els =>
			els.map(e => [e.querySelector('.explain-recipient').textContent, e.getAttribute('data-reason'),
				e.getAttribute('data-bounce')]));
		assert(JSON.stringify(answers) === JSON.stringify([['alice@example.com', 'user-unknown', 'hard'],
			['bob@example.net', 'mailbox-full', 'soft']]), `answers ${JSON.stringify(answers)}`);
		await shot(page, `${where}-explain-message`);
		await page.context().close();
	});
}

test('file: the keyboard reaches search results, and focus is visible', async () => {
	const page = await open(fileBase + 'index.html');
	await page.keyboard.press('Tab');
	const skip = await page.evaluate(() => {
		const e = document.activeElement, style = getComputedStyle(e);
		return {cls: e.className, outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
	});
	assert(skip.cls === 'skip' && skip.outline !== 'none' && skip.width >= 2,
		`the first Tab stop is ${JSON.stringify(skip)}`);
	await page.locator('#q').focus();
	await page.keyboard.type('dmarc', {delay: 30});
	await page.locator('#q-results li').first().waitFor({timeout: 10000});
	await page.keyboard.press('ArrowDown');
	assert(await page.locator('#q').getAttribute('aria-activedescendant') === 'q-result-0', 'ArrowDown picks the first');
	await page.keyboard.press('Enter');
	await page.waitForURL(/reason\/auth-dmarc\.html$/, {timeout: 10000});
	await page.context().close();
});

// What people paste into the search box: replies from the data, log lines and
// a DSN field from the test fixtures.
const PASTED = () => [
	replyOf(sample('google-microsoft.toml', {vendor: 'outlookcom'}, '(S3150)')),
	replyOf(sample('google-microsoft.toml', {vendor: 'gmail', reason: 'auth-dmarc', bounce: 'block'})),
	replyOf(sample('mailbox-providers.toml', {vendor: 'yahoo'}, '[TSS04]')),
	replyOf(sample('google-microsoft.toml', {vendor: 'microsoft365', enhanced: '5.7.606'})),
	replyOf(sample('mailbox-providers.toml', {vendor: 'comcast'}, 'BL000010')),
	replyOf(sample('mta-gateways.toml', {reason: 'greylisted'})),
	fixtureLine('mail.log', 1),
	fixtureLine('mail.log', 5),
	fixtureLine('exim_mainlog', 2),
	'Diagnostic-Code: smtp; 452 4.2.2 <bob@example.net>: Mailbox full',
];
// The explainer's answer (data-* of its section) against `smtpcode explain --json`.
const ANSWER_FIELDS = ['code', 'enhanced', 'vendor', 'reason', 'action', 'bounce', 'verdict', 'decided_by'];

test('file: 10 replies and log lines pasted into the search box go to the explainer, which answers as the CLI', async () => {
	if (!hasWasm)
		return 'SKIP the site was built without WebAssembly';
	const page = await open(fileBase + 'code/550.html');
	for (const text of PASTED()) {
		await page.goto(fileBase + 'code/550.html');
		await page.locator('#q').fill(text);
		const offer = page.locator('#q-results li.explain-this');
		await offer.waitFor({state: 'visible', timeout: 10000});
		assert(await page.locator('#q-results li').first().getAttribute('class') === 'explain-this',
			`"Explain this" is not the first result for ${text}`);
		await page.locator('#q').press('Enter');
		await page.waitForURL(/explain\.html\?q=/, {timeout: 10000});
		assert(await page.locator('#explain-text').inputValue() === text, 'the explainer holds the pasted text');
		const section = page.locator('#explain-out section.explain-answer');
		await section.first().waitFor({timeout: 20000});
		const got = await section.first().evaluate((e, fields) => Object.fromEntries(fields.map(f =>
			[f, e.getAttribute('data-' + f.replace('_', '-'))])), ANSWER_FIELDS);
		const cli = JSON.parse(execFileSync(smtpcode, ['explain', '--json', '--', text], {encoding: 'utf8'}));
		const want = Object.fromEntries(ANSWER_FIELDS.map(f => [f, cli[f] === null ? null : String(cli[f])]));
		assert(JSON.stringify(got) === JSON.stringify(want),
			`for ${text}\n  page ${JSON.stringify(got)}\n  CLI  ${JSON.stringify(want)}`);
	}
	await page.context().close();
});

test('file: a question, a class and a token typed into the search box lead to their pages', async () => {
	const page = await open(fileBase + 'index.html');
	for (const [query, url] of [['why did my mail bounce', 'explain.html'], ['5xx', 'code/index.html#class-5'],
		['TSS04', 'token/TSS04.html'], ['verify', 'verify.html']]) {
		await page.locator('#q').fill(query);
		const first = page.locator('#q-results li a').first();
		await first.waitFor({timeout: 10000});
		const href = await first.getAttribute('href');
		assert(href === url, `the best result for "${query}" is ${href}`);
	}
	await page.locator('#q').fill('zzzz qqqq');
	await page.locator('#q-results li.none a').waitFor({timeout: 10000});
	assert((await page.locator('#q-results li.none a').getAttribute('href')).startsWith('explain.html?q='),
		'nothing found still points to the explainer');
	await page.context().close();
});

test('file: search results fit a 360 px screen, in the list under the box and on the search page', async () => {
	// "mailbox full" finds replies with STOREDRV.Deliver.Exception... tokens: 686 px wide before.
	const viewport = {width: 360, height: 780};
	const page = await open(fileBase + 'search.html?q=mailbox%20full', {viewport});
	await page.locator('#search-list li').first().waitFor({timeout: 10000});
	let [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
	assert(scroll <= inner, `the search page is ${scroll}px wide on a ${inner}px screen`);
	await page.goto(fileBase + 'index.html');
	await page.locator('#q').fill('mailbox full');
	await page.locator('#q-results li').first().waitFor({timeout: 10000});
	const list = await page.locator('#q-results').evaluate(e => {
		const r = e.getBoundingClientRect();
		return {right: r.right, scroll: e.scrollWidth, client: e.clientWidth};
	});
	assert(list.right <= viewport.width && list.scroll <= list.client,
		`the list under the box: ${JSON.stringify(list)} on a ${viewport.width}px screen`);
	await shot(page, 'file-phone-search');
	await page.context().close();
});

test('file: a search result inside a collapsed group opens it', async () => {
	const page = await open(fileBase + 'vendor/gmail.html#sample-1');
	const reply = page.locator('#sample-1');
	await reply.waitFor({state: 'visible', timeout: 10000});
	assert(await reply.evaluate(e => e.closest('details').open), 'the group holding the reply is open');
	await page.context().close();
});

test('file: screenshots of the index, 550, the verification page and the explainer, on a desktop and a phone', async () => {
	const bounce = fs.readFileSync(path.join(here, '..', 'data', 'postfix_dsn.eml'), 'utf8');
	for (const [size, viewport] of [['desktop', {width: 1280, height: 800}], ['phone', {width: 390, height: 844}]]) {
		const page = await open(fileBase + 'index.html', {viewport});
		for (const rel of ['index.html', 'code/550.html', 'verify.html']) {
			await page.goto(fileBase + rel);
			await page.screenshot({path: path.join(shotDir, `${size}-${rel.replace(/\W+/g, '-')}.png`), fullPage: true});
		}
		if (hasWasm) {
			await page.goto(fileBase + 'explain.html');
			await page.locator('#explain-form[data-ready=true]').waitFor({timeout: 20000});
			await page.locator('#explain-text').fill(bounce);
			await page.locator('#explain-out[data-kind=message]').waitFor({timeout: 10000});
			const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
			assert(scroll <= inner, `the explainer's answer is ${scroll}px wide on a ${inner}px screen`);
			await page.screenshot({path: path.join(shotDir, `${size}-explain-message.png`), fullPage: true});
		}
		await page.context().close();
	}
});

// The explainer's labels, and words of the library's that were on the page
// before ("Flags unterminated", "Answer to: not known", "Decided by:
// phrase") and must not come back outside the reply and the reason's name.
const PLAIN_LABELS = new Set(['The server said', 'What it means', 'Bounce type', 'For an address check', 'Sent by',
	'Why this answer', 'Found in', 'The log line says', 'Basic code', 'Enhanced code', 'Note']);
const JARGON = /unterminated|not known|Answer to|Decided by|Flags|generic-|vendor-code|end-of-data|\brcpt\b|\bbare\b|decided_by|log_status/;

test('file: the explainer speaks plainly: labels, the reply as a person reads it, no library names', async () => {
	if (!hasWasm)
		return 'SKIP the site was built without WebAssembly';
	const lines = ['This mail has been blocked because the sender', 'is unauthenticated. Gmail requires all senders to',
		'authenticate with either SPF or DKIM.'];
	const cases = [
		// [pasted, what "The server said" reads, a label it must have]
		[lines.map((t, i) => `550${i < lines.length - 1 ? '-' : ' '}5.7.26 ${t}`).join('\r\n'), lines.join(' '), 'Enhanced code'],
		['550-5.1.1 The email account that you tried to reach does not exist.',
			'The email account that you tried to reach does not exist.', 'Note'],
		[fixtureLine('mail.log', 1), null, 'The log line says'],
		['hello there', null, 'Why this answer'],
	];
	const page = await open(fileBase + 'explain.html');
	await page.locator('#explain-form[data-ready=true]').waitFor({timeout: 20000});
	const options = await page.locator('#explain-stage option').allTextContents();
	const badOption = options.find(o => JARGON.test(o) || /^[a-z-]+$/.test(o));
	assert(!badOption, `the command select offers ${JSON.stringify(badOption)}`);
	for (const [pasted, said, label] of cases) {
		// Emptied first, so that the answer read is this text's and not the last one's.
		const section = page.locator('#explain-out section.explain-answer');
		await page.locator('#explain-text').fill('');
		await section.first().waitFor({state: 'detached', timeout: 10000});
		await page.locator('#explain-text').fill(pasted);
		await section.first().waitFor({timeout: 10000});
		const got = await section.first().evaluate(e => {
			const plain = e.cloneNode(true);
			plain.querySelectorAll('code, details.said-raw').forEach(c => c.remove());
			const shown = e.querySelector('.said-text');
			return {labels: [...e.querySelectorAll('dt')].map(d => d.textContent), text: plain.textContent,
				said: shown ? shown.textContent : null, todo: !!e.querySelector('.explain-do')};
		});
		const odd = got.labels.filter(l => !PLAIN_LABELS.has(l));
		assert(odd.length === 0, `for ${JSON.stringify(pasted)} the labels ${JSON.stringify(odd)} are not plain`);
		assert(got.labels.includes(label), `for ${JSON.stringify(pasted)} no "${label}" among ${JSON.stringify(got.labels)}`);
		assert(got.todo, `for ${JSON.stringify(pasted)} the answer does not say what to do`);
		const jargon = got.text.match(JARGON);
		assert(!jargon, `for ${JSON.stringify(pasted)} the answer says "${jargon && jargon[0]}": ${got.text}`);
		if (said !== null)
			assert(got.said === said, `for ${JSON.stringify(pasted)} the server said ${JSON.stringify(got.said)}`);
	}
	await page.context().close();
});

test('file: the dark theme overrides a light preference and is kept', async () => {
	const page = await open(fileBase + 'code/550.html', {colorScheme: 'light'});
	const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
	const light = await background();
	await page.locator('#theme').click();
	assert(await page.locator('html').getAttribute('data-theme') === 'dark', 'data-theme is dark');
	assert(await page.locator('#theme').getAttribute('aria-pressed') === 'true', 'the switch says it is on');
	const dark = await background();
	assert(dark !== light, `the background stayed ${light}`);
	await shot(page, 'file-dark-550');
	await page.goto(fileBase + 'vendor/yahoo.html');
	assert(await page.locator('html').getAttribute('data-theme') === 'dark', 'the choice is kept on the next page');
	await shot(page, 'file-dark-vendor-yahoo');
	await page.context().close();
});

test('file: a dark system preference is followed without a choice', async () => {
	const page = await open(fileBase + 'index.html', {colorScheme: 'dark'});
	const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
	const [r, g, b] = bg.match(/\d+/g).map(Number);
	assert(r + g + b < 150, `the background is ${bg}`);
	await shot(page, 'file-dark-index');
	await page.context().close();
});

test('file: a reply holding <script> is shown as text, on its page and in the explainer', async () => {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smtpcode-site-'));
	try {
		const out = execFileSync('python3', [path.join(here, 'hostile.py'), genSite, dataDir, tmp, smtpcode], {encoding: 'utf8'});
		const {page: file, text, anchor} = JSON.parse(out);
		const page = await open(pathToFileURL(file).href + '#' + anchor);
		const shown = await page.locator(`#${anchor} .reply code`).textContent();
		assert(shown === text, `the reply reads ${JSON.stringify(shown)}`);
		assert(await page.evaluate(() => window.smtpcodeHostile) === undefined, 'the reply ran as markup');
		await shot(page, 'file-hostile-reply');
		await page.context().close();
	} finally {
		fs.rmSync(tmp, {recursive: true, force: true});
	}
	if (!hasWasm)
		return;
	const page = await open(fileBase + 'explain.html');
	await page.locator('#explain-form[data-ready=true]').waitFor({timeout: 20000});
	const pasted = '550 5.7.1 <script>window.smtpcodeHostile = 3</script><img src=x onerror="window.smtpcodeHostile = 4">';
	await page.locator('#explain-text').fill(pasted);
	await page.locator('#explain-out[data-reason]').waitFor({timeout: 10000});
	assert(await page.locator('#explain-out code.reply').textContent() === pasted, 'the pasted reply is shown as text');
	assert(await page.locator('#explain-out script, #explain-out img').count() === 0, 'no element came from the text');
	assert(await page.evaluate(() => window.smtpcodeHostile) === undefined, 'the pasted text ran');
	await page.context().close();
});

test('no page logged an error', async () => {
	assert(problems.length === 0, problems.join('\n'));
});

let n = 0, failed = 0;
for (const [name, fn] of tests) {
	n++;
	try {
		const r = await fn();
		console.log(`ok ${n} - ${name}${typeof r === 'string' && r.startsWith('SKIP') ? ' # ' + r : ''}`);
	} catch (e) {
		failed++;
		console.log(`not ok ${n} - ${name}`);
		for (const line of String(e.stack || e).split('\n'))
			console.log(`# ${line}`);
	}
}
console.log(`1..${n}`);
await browser.close();
server.close();
process.exit(failed ? 1 : 0);
