// tests/e2e/web.test.mjs - drive the web view in Chromium against seeded state.
// Needs VIGIE_URL (server base URL) and VIGIE_DAY (the day seed.sh wrote);
// run.sh sets both. The numbers below are the ones tests/e2e/seed.sh writes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { chromium } from 'playwright-core';

const BASE = process.env.VIGIE_URL;
const DAY = process.env.VIGIE_DAY;
const SHOT = process.env.VIGIE_SCREENSHOT || '';
if (!BASE || !DAY)
	throw new Error('VIGIE_URL and VIGIE_DAY must be set (see run.sh)');
const PREV = new Date(Date.parse(DAY + 'T12:00:00Z') - 86400000)
    .toISOString().slice(0, 10);

const HOSTILE = '<img src=x onerror=window.__pwned=1>';
const HOSTILE_USER = '"><script>window.__pwned=1</script>';
const TOTALS = { events: 15872, detections: 1243, external: 1180,
    extraterritorial: 1101, unknown_country: 37, incidents_opened: 4 };
const PREV_TOTALS = { events: 9021, detections: 611, external: 580,
    extraterritorial: 498, unknown_country: 12, incidents_opened: 2 };
// incidents by last activity, most recent first
const INCIDENT_IDS = ['4', '1', '5', '2', '3'];

let browser;
let page;
const problems = [];	// console errors, page errors, CSP violations

/* Sends raw bytes; resolves with the status code of the reply. */
function raw(bytes) {
	const { hostname, port } = new URL(BASE);
	return new Promise((resolve, reject) => {
		const s = net.connect(Number(port), hostname);
		let data = '';
		s.setTimeout(5000, () => {
			s.destroy();
			reject(new Error('timeout'));
		});
		s.on('connect', () => s.write(bytes));
		s.on('data', (d) => { data += d.toString('latin1'); });
		s.on('end', () => {
			const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
			resolve(m ? Number(m[1]) : 0);
		});
		s.on('error', reject);
	});
}

function get(target, host = '127.0.0.1', extra = '') {
	return raw(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\n` +
	    `Connection: close\r\n${extra}\r\n`);
}

function digits(s) {
	return Number(String(s).replace(/[^0-9]/g, ''));
}

async function totalsShown() {
	const out = {};
	for (const k of Object.keys(TOTALS))
		out[k] = digits(await page.textContent('#t-' + k));
	return out;
}

async function waitLoaded(day) {
	await page.waitForFunction((d) => document.body.dataset.loaded ===
	    'true' && document.getElementById('dayname').textContent === d, day);
}

before(async () => {
	browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu',
		    '--disable-quic', '--no-first-run',
		    '--disable-background-networking',
		    '--disable-component-update', '--disable-sync'],
	});
	const ctx = await browser.newContext({ viewport: { width: 1440,
	    height: 900 }, deviceScaleFactor: 1 });
	page = await ctx.newPage();
	page.on('console', (m) => {
		if (m.type() === 'error')
			problems.push('console: ' + m.text());
	});
	page.on('pageerror', (e) => problems.push('pageerror: ' + e.message));
	page.on('dialog', (d) => {
		problems.push('dialog: ' + d.message());
		d.dismiss();
	});
});

after(async () => {
	if (browser)
		await browser.close();
});

test('API: report JSON, headers and contract', async () => {
	const res = await fetch(`${BASE}/api/v1/report?day=${DAY}`);
	assert.equal(res.status, 200);
	assert.match(res.headers.get('content-type'), /^application\/json/);
	assert.equal(res.headers.get('cache-control'), 'no-store');
	assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
	const r = await res.json();
	assert.equal(r.day, DAY);
	assert.deepEqual(r.totals, TOTALS);
	assert.equal(r.hours.length, 24);
	assert.equal(r.hours.reduce((a, b) => a + b, 0), TOTALS.external);
	assert.equal(r.countries.CN, 402);
	assert.equal(r.countries[HOSTILE], 2);
	assert.equal(r.top_sources.length, 20);
	assert.deepEqual(r.top_sources[0], { ip: '203.0.113.7', country: 'CN',
	    detections: 148 });
	// the cut at 20 falls in a tie at 12: the smallest ips are kept
	assert.deepEqual(r.top_sources.slice(15).map((s) => s.ip),
	    ['203.0.113.11', '203.0.113.13', '203.0.113.15', '203.0.113.17',
	    '203.0.113.18']);
	assert.equal(r.unique_sources, 25);
	assert.equal(r.unique_foreign_sources, 19);
});

test('API: incidents list, filter and detail', async () => {
	const list = await (await fetch(`${BASE}/api/v1/incidents`)).json();
	assert.deepEqual(list.map((i) => String(i.id)), INCIDENT_IDS);
	assert.equal(list[0].group, HOSTILE);
	assert.match(list[0].last_seen, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	const open = await (await fetch(`${BASE}/api/v1/incidents?status=open`))
	    .json();
	assert.deepEqual(open.map((i) => i.id), [4, 1, 5]);
	const inc = await (await fetch(`${BASE}/api/v1/incidents/4`)).json();
	assert.equal(inc.group_by, 'user');
	assert.equal(inc.sensor, 'web-3');
	assert.equal(inc.evidence.length, 3);
	assert.equal(inc.evidence[0].user, HOSTILE_USER);
	assert.equal(inc.evidence[2].raw, 'not json at all');
	assert.equal((await fetch(`${BASE}/api/v1/incidents/999`)).status, 404);
});

test('HTTP: hostile and invalid requests are refused', async () => {
	assert.equal((await fetch(`${BASE}/api/v1/report?day=2026-13-45`))
	    .status, 400);
	assert.equal((await fetch(`${BASE}/api/v1/report?day=x`)).status, 400);
	assert.equal((await fetch(`${BASE}/api/v1/incidents?status=pwned`))
	    .status, 400);
	const post = await fetch(`${BASE}/api/v1/report`, { method: 'POST' });
	assert.equal(post.status, 405);
	assert.match(post.headers.get('allow'), /GET/);
	assert.equal(await get('/api/v1/report%zz'), 400);
	assert.equal(await get('/api/v1/report%00'), 400);
	assert.equal(await get('/api/v1/report?day=%00'), 400);
	assert.equal(await get('/api/v1/report?day=%4'), 400);
	assert.equal(await get('/' + 'a'.repeat(3000)), 400);
	assert.equal(await get('/../../etc/passwd'), 404);
	assert.equal(await get('/%2e%2e/%2e%2e/etc/passwd'), 404);
	assert.equal(await get('/api/v1/incidents/1%2f..'), 400);
	// DNS rebinding: a loopback server answers loopback names only
	assert.equal(await get('/api/v1/report', 'attacker.example'), 403);
	assert.equal(await get('/api/v1/report', 'localhost:1234'), 200);
	assert.equal(await get('/api/v1/report', '127.0.0.1',
	    'Host: attacker.example\r\n'), 400);
	assert.equal(await raw('GET /a\x00b HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
	    'Connection: close\r\n\r\n'), 400);
	assert.equal((await fetch(`${BASE}/nope`)).status, 404);
	const health = await fetch(`${BASE}/healthz`);
	assert.equal(health.status, 200);
	assert.equal((await health.text()).trim(), 'ok');
	const index = await fetch(`${BASE}/`);
	assert.equal(index.status, 200);
	assert.match(index.headers.get('content-security-policy'),
	    /default-src 'self'/);
	assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
});

test('page: totals, tables and incidents show the seeded state', async () => {
	await page.goto(`${BASE}/?day=${DAY}`);
	await waitLoaded(DAY);
	assert.deepEqual(await totalsShown(), TOTALS);
	assert.equal(digits(await page.textContent('#u-sources')), 25);
	assert.equal(digits(await page.textContent('#u-foreign')), 19);

	const countries = await page.$$eval('#countries tbody tr',
	    (rows) => rows.map((r) => [r.cells[0].textContent,
	    r.cells[1].textContent]));
	assert.deepEqual(countries[0], ['CN', '402']);
	assert.ok(countries.some(([k]) => k === HOSTILE),
	    'hostile country shown as text');
	assert.ok(countries.some(([k, v]) => k === 'unknown' && v === '37'));

	assert.equal(await page.$$eval('#hours rect.hbar', (r) => r.length), 24);
	assert.equal(await page.$$eval('#sources tbody tr', (r) => r.length), 20);

	const inc = await page.$$eval('#incidents tbody tr', (rows) =>
	    rows.map((r) => Array.from(r.cells, (c) => c.textContent)));
	assert.deepEqual(inc.map((r) => r[0]), INCIDENT_IDS);
	assert.deepEqual(inc[1], ['1', 'medium', 'ssh_password_guessing',
	    '203.0.113.7', 'CN', '148', 'open', PREV + ' 23:10:05',
	    DAY + ' 06:12:40']);
	assert.equal(inc[0][3], HOSTILE, 'hostile group shown as text');
	assert.equal(inc[0][4], HOSTILE);
});

test('page: hostile strings stay text, nothing runs', async () => {
	await page.click('#incidents tbody tr[data-id="4"] td:first-child');
	await page.waitForFunction(() =>
	    !document.getElementById('detail').hidden &&
	    document.querySelectorAll('#evidence tbody tr').length === 3);
	const users = await page.$$eval('#evidence tbody tr',
	    (rows) => rows.map((r) => r.cells[4].textContent));
	assert.equal(users[0], HOSTILE_USER);
	const line = await page.textContent('#evidence tbody tr td.line');
	assert.ok(line.includes(HOSTILE));
	// The markup was never parsed: no such elements exist, nothing ran.
	assert.equal(await page.$$eval('img', (i) => i.length), 0);
	assert.equal(await page.$$eval('main script', (s) => s.length), 0);
	assert.equal(await page.evaluate(() => typeof window.__pwned),
	    'undefined');
	if (SHOT) {
		await page.screenshot({ path: SHOT, fullPage: true });
		await page.evaluate(() => window.scrollTo(0, 0));
		await page.screenshot({ path: SHOT.replace(/\.png$/, '-top.png') });
	}
});

test('page: day picker and status filter', async () => {
	await page.click('#prev');
	await waitLoaded(PREV);
	assert.deepEqual(await totalsShown(), PREV_TOTALS);
	assert.match(page.url(), new RegExp(`day=${PREV}`));
	await page.click('#next');
	await waitLoaded(DAY);
	assert.deepEqual(await totalsShown(), TOTALS);

	await page.selectOption('#status', 'open');
	await page.waitForFunction(() =>
	    document.querySelectorAll('#incidents tbody tr').length === 3);
	const ids = await page.$$eval('#incidents tbody tr',
	    (rows) => rows.map((r) => r.dataset.id));
	assert.deepEqual(ids, ['4', '1', '5']);
	assert.equal(await page.evaluate(() => typeof window.__pwned),
	    'undefined');
});

test('page: no console errors, no CSP violations', () => {
	assert.deepEqual(problems, []);
});
