// tests/e2e/live.test.mjs - every page of the web view against a real
// correlator (live.sh starts it): no console error at desktop and phone
// width, figures equal to the CLI's, acknowledge and close with and
// without the token, markup from traffic shown as text, /metrics parsed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { parseMetrics } from './promtext.mjs';

const BASE = process.env.VIGIE_URL;
const TMP = process.env.VIGIE_TMP;
const TOKEN = process.env.VIGIE_TOKEN;
const XSS_ID = process.env.VIGIE_XSS_ID;
const SHOTS = process.env.VIGIE_SHOTS;
const ROOT = process.env.VIGIE_ROOT;
if (!BASE || !TMP || !TOKEN || !XSS_ID || !SHOTS)
	throw new Error('run by live.sh');

const X1 = '<img src=x onerror=alert(1)>';
const X2 = '"><svg onload=alert(2)>';
const X3 = '</script><script>alert(3)</script>';
const VIEWPORTS = { desktop: { width: 1366, height: 768 },
    phone: { width: 390, height: 844 } };

const incidents = JSON.parse(fs.readFileSync(path.join(TMP,
    'incidents.json'), 'utf8'));
const days = JSON.parse(fs.readFileSync(path.join(TMP, 'days.json'), 'utf8'));
const fixtureDays = [...new Set(incidents.map((i) => i.first_seen.slice(0,
    10)))].sort();

function vigie(...args) {
	return execFileSync(path.join(process.env.VIGIE_BIN, 'vigie'),
	    ['-c', process.env.VIGIE_CONF, ...args], { encoding: 'utf8' });
}

let browser;
const problems = [];	// console errors, page errors, dialogs
const dialogs = [];
const pages = {};

async function newPage(vp) {
	const ctx = await browser.newContext({ viewport: VIEWPORTS[vp],
	    deviceScaleFactor: 1 });
	const p = await ctx.newPage();
	p.on('console', (m) => {
		if (m.type() === 'error')
			problems.push(`${vp} console: ${m.text()}`);
	});
	p.on('pageerror', (e) => problems.push(`${vp} pageerror: ${e.message}`));
	p.on('dialog', (d) => {
		dialogs.push(d.message());
		d.dismiss();
	});
	return p;
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
	for (const vp of Object.keys(VIEWPORTS))
		pages[vp] = await newPage(vp);
});

after(async () => {
	if (browser)
		await browser.close();
});

/* Opens a route and waits until the page says it has loaded it. */
async function open(p, route, name) {
	const [pathq, hash] = route.split('#');
	await p.goto(`${BASE}${pathq || '/'}#${hash || '/'}`);
	if (route.includes('#/') && hash !== '/')
		await p.evaluate(() => window.dispatchEvent(new HashChangeEvent(
		    'hashchange')));
	await p.waitForFunction((n) => document.body.dataset.loaded === 'true' &&
	    document.body.dataset.page === n, name, { timeout: 10000 });
}

/* No element carries an event handler attribute, no markup was parsed. */
async function inert(p) {
	return p.evaluate(() => {
		const bad = [];
		for (const e of document.querySelectorAll('*'))
			for (const a of e.attributes)
				if (a.name.startsWith('on'))
					bad.push(e.tagName + ' ' + a.name);
		for (const e of document.querySelectorAll('main img, main script'))
			bad.push(e.tagName);
		return bad;
	});
}

const src = incidents.find((i) => i.src_ip).src_ip;
const ROUTES = [
	['today', `/?day=${fixtureDays[fixtureDays.length - 1]}#/`, 'today'],
	['days', '/#/days', 'days'],
	['incidents', '/#/incidents', 'incidents'],
	['incident', `/#/incident/${XSS_ID}`, 'incident'],
	['source', `/#/source/${src}`, 'source'],
	['rules', '/#/rules', 'rules'],
	['rule', '/#/rule/ssh_password_guessing', 'rule'],
	['sensors', '/#/sensors', 'sensors'],
];

test('every page loads at desktop and phone width, screenshots', async () => {
	for (const vp of Object.keys(VIEWPORTS))
		for (const [file, route, name] of ROUTES) {
			const p = pages[vp];
			await open(p, route, name);
			assert.deepEqual(await inert(p), [], `${name} ${vp}`);
			// nothing wider than the screen but what scrolls inside
			const over = await p.evaluate(() =>
			    document.documentElement.scrollWidth -
			    document.documentElement.clientWidth);
			assert.ok(over <= 1, `${name} at ${vp}: ${over} px too wide`);
			await p.screenshot({ path: path.join(SHOTS,
			    `${file}-${vp}.png`), fullPage: true });
		}
	assert.deepEqual(problems, []);
});

test('today page: figures equal vigie report --format json', async () => {
	const p = pages.desktop;
	for (const d of fixtureDays) {
		const r = JSON.parse(fs.readFileSync(path.join(TMP,
		    `report-${d}.json`), 'utf8'));
		await open(p, `/?day=${d}#/`, 'today');
		await p.waitForFunction((day) => document.getElementById(
		    'dayname').textContent === day, d);
		for (const k of Object.keys(r.totals))
			assert.equal(Number((await p.textContent('#t-' + k))
			    .replace(/[^0-9]/g, '')), r.totals[k], `${d} ${k}`);
		const countries = await p.$$eval('#countries tbody tr', (rows) =>
		    rows.filter((x) => !x.classList.contains('unknown') &&
		    !x.classList.contains('none')).map((x) =>
		    [x.cells[0].textContent, Number(x.cells[1].textContent
		    .replace(/[^0-9]/g, ''))]));
		assert.deepEqual(Object.fromEntries(countries), r.countries, d);
		const sources = await p.$$eval('#sources tbody tr:not(.none)',
		    (rows) => rows.map((x) => x.cells[0].textContent));
		assert.deepEqual(sources, r.top_sources.map((s) => s.ip), d);
	}
});

test('days page: figures equal vigie report --days 30', async () => {
	const p = pages.desktop;
	await open(p, '/#/days?n=30', 'days');
	const rows = await p.$$eval('#view tbody tr', (rs) => rs.map((r) =>
	    Array.from(r.cells, (c) => c.textContent)));
	const want = days.slice().reverse().map((d) => [d.day,
	    ...['events', 'detections', 'external', 'extraterritorial',
	    'unknown_country', 'incidents_opened'].map((k) =>
	    new Intl.NumberFormat('en-US').format(d.totals[k]))]);
	assert.deepEqual(rows, want);
	// a day opens its today page
	if (fixtureDays.length) {
		await p.click(`#view a[href="?day=${fixtureDays[0]}#/"]`);
		await p.waitForFunction((day) => document.body.dataset.page ===
		    'today' && document.getElementById('dayname').textContent ===
		    day, fixtureDays[0]);
	}
});

test('incidents page: the list equals vigie incidents list', async () => {
	const p = pages.desktop;
	await open(p, '/#/incidents', 'incidents');
	// taken now: the sweep may have closed some since live.sh listed them
	const incidents = JSON.parse(vigie('incidents', 'list', '--format',
	    'json'));
	const rows = await p.$$eval('#view tbody tr', (rs) => rs.map((r) =>
	    Array.from(r.cells, (c) => c.textContent)));
	const want = incidents.slice(0, 50).map((i) => [String(i.id),
	    i.severity, i.rule, i.group, i.country || '—', String(i.count),
	    i.status, i.first_seen.replace('T', ' ').replace('Z', ''),
	    i.last_seen.replace('T', ' ').replace('Z', '')]);
	assert.deepEqual(rows, want);
	// filters: status and text
	await open(p, '/#/incidents?status=closed', 'incidents');
	const closed = await p.$$eval('#view tbody tr:not(.none)', (rs) =>
	    rs.map((r) => r.cells[0].textContent));
	assert.deepEqual(closed, incidents.filter((i) => i.status === 'closed')
	    .map((i) => String(i.id)));
	await open(p, '/#/incidents?text=onerror', 'incidents');
	assert.deepEqual(await p.$$eval('#view tbody tr', (rs) =>
	    rs.map((r) => r.cells[0].textContent)), [XSS_ID]);
	const api = await fetch(`${BASE}/api/v1/incidents?limit=1&offset=1`);
	assert.equal(api.headers.get('x-total-count'), String(incidents.length));
	assert.equal((await api.json())[0].id, incidents[1].id);
});

test('hostile strings are text on every page, no dialog', async () => {
	const p = pages.desktop;
	await open(p, `/#/incident/${XSS_ID}`, 'incident');
	const group = await p.$$eval('#view dd', (d) => d.map((x) =>
	    x.textContent));
	assert.ok(group.includes(X1), 'group shown as text');
	const ev = await p.$$eval('#view tbody tr', (rs) => rs.map((r) =>
	    r.textContent));
	assert.ok(ev.some((t) => t.includes(X1) && t.includes(X2) &&
	    t.includes(X3)), 'evidence holds the three, as text');
	for (const route of ['/#/incidents', '/#/source/203.0.113.66',
	    '/#/rule/web_request_burst', `/?day=${new Date().toISOString()
	    .slice(0, 10)}#/`]) {
		const name = route.split('#/')[1].split('/')[0].split('?')[0] ||
		    'today';
		await open(p, route, name);
		assert.deepEqual(await inert(p), [], route);
	}
	const text = await p.textContent('#incidents');
	assert.ok(text.includes(X1), 'today: hostile group as text');
	assert.deepEqual(dialogs, []);
});

async function post(id, op, headers) {
	return fetch(`${BASE}/api/v1/incidents/${id}/${op}`, { method: 'POST',
	    headers: Object.assign({ 'Content-Type': 'application/json' },
	    headers), body: JSON.stringify({ by: 'mallory', note: 'x' }) });
}

function status(id) {
	return JSON.parse(vigie('incidents', 'show', String(id), '--format',
	    'json')).status;
}

test('acknowledge and close: refused without the token, unchanged', async () => {
	const before = status(XSS_ID);
	assert.equal(before, 'open');
	assert.equal((await post(XSS_ID, 'ack', {})).status, 401);
	assert.equal((await post(XSS_ID, 'close', { Authorization:
	    'Bearer wrong-token-0123456789' })).status, 401);
	assert.equal((await post(XSS_ID, 'ack', { Authorization: 'Bearer ' +
	    TOKEN, Origin: 'http://evil.example' })).status, 403);
	assert.equal((await post(XSS_ID, 'ack', { Authorization: 'Bearer ' +
	    TOKEN, 'Sec-Fetch-Site': 'cross-site' })).status, 403);
	assert.equal(status(XSS_ID), 'open');
	const shown = JSON.parse(vigie('incidents', 'show', String(XSS_ID),
	    '--format', 'json'));
	assert.deepEqual(shown.notes, []);
});

test('acknowledge and close from the page, with the token', async () => {
	const p = pages.desktop;
	await p.evaluate(() => sessionStorage.removeItem('vigie.token'));
	await open(p, `/#/incident/${XSS_ID}`, 'incident');
	await p.fill('#change input[name=by]', 'alice');
	await p.fill('#change textarea[name=note]', 'looking: ' + X2);
	await p.click('#ack');
	// no token yet: the page asks for it and changes nothing
	await p.waitForSelector('#auth:not([hidden])');
	assert.equal(status(XSS_ID), 'open');
	await p.fill('#token', TOKEN);
	await p.click('#auth button[type=submit]');
	await p.waitForFunction(() => document.body.dataset.loaded === 'true');
	await p.fill('#change input[name=by]', 'alice');
	await p.fill('#change textarea[name=note]', 'looking: ' + X2);
	await p.click('#ack');
	await p.waitForFunction(() => document.getElementById('inc-title')
	    .textContent.includes('acknowledged'));
	assert.equal(status(XSS_ID), 'acknowledged');
	await p.fill('#change textarea[name=note]', 'done');
	await p.click('#close');
	await p.waitForFunction(() => document.getElementById('inc-title')
	    .textContent.includes('closed'));
	const shown = JSON.parse(vigie('incidents', 'show', String(XSS_ID),
	    '--format', 'json'));
	assert.equal(shown.status, 'closed');
	assert.deepEqual(shown.notes.map((n) => [n.by, n.change, n.text]),
	    [['alice', 'acknowledged', 'looking: ' + X2],
	    ['alice', 'closed', 'done']]);
	const notes = await p.$$eval('#view tbody tr', (rs) => rs.map((r) =>
	    r.textContent));
	assert.ok(notes.some((t) => t.includes('looking: ' + X2)));
	assert.deepEqual(await inert(p), []);
	assert.equal(await p.evaluate(() => sessionStorage.getItem(
	    'vigie.token')), TOKEN);
	assert.deepEqual(dialogs, []);
	assert.deepEqual(problems, []);
});

test('/metrics: Prometheus text format, the families', async () => {
	const res = await fetch(`${BASE}/metrics`);
	assert.equal(res.status, 200);
	assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
	const fam = parseMetrics(await res.text());
	const want = {
		vigie_events_received_total: 'counter',
		vigie_events_processed_total: 'counter',
		vigie_rule_detections_total: 'counter',
		vigie_stream_lag: 'gauge',
		vigie_stream_lag_seconds: 'gauge',
		vigie_stream_pending: 'gauge',
		vigie_frames_rejected_total: 'counter',
		vigie_yara_scan_seconds_total: 'counter',
		vigie_parse_errors_total: 'counter',
		vigie_http_requests_total: 'counter',
		vigie_incidents_open: 'gauge',
		vigie_redis_up: 'gauge',
	};
	for (const [name, type] of Object.entries(want)) {
		assert.ok(fam[name], name);
		assert.equal(fam[name].type, type, name);
	}
	const v = (name, labels) => fam[name].samples.find((s) =>
	    Object.entries(labels).every(([k, x]) => s.labels[k] === x)).value;
	assert.equal(v('vigie_redis_up', {}), 1);
	assert.equal(v('vigie_events_received_total', { sensor: 'web1' }), 50);
	assert.equal(v('vigie_events_processed_total', { sensor: 'web1' }), 50);
	assert.equal(v('vigie_events_processed_total', { sensor: 'web-3' }), 3);
	assert.equal(v('vigie_parse_errors_total', { sensor: 'web1',
	    parser: 'sshd' }), 1);
	const stats = JSON.parse(execFileSync('redis-cli', ['-s',
	    path.join(TMP, 'redis.sock'), '--json', 'HGETALL',
	    'vigie:rules:stats'], { encoding: 'utf8' }));
	assert.equal(v('vigie_rule_detections_total',
	    { rule: 'ssh_password_guessing' }),
	    Number(stats['ssh_password_guessing:hits']));
	assert.ok(v('vigie_http_requests_total', { code: '200' }) > 0);
	assert.ok(v('vigie_yara_scan_seconds_total', {}) > 0);
	// the Grafana dashboard asks only for families that exist
	const dash = JSON.parse(fs.readFileSync(path.join(ROOT,
	    'dashboards/grafana/vigie.json'), 'utf8'));
	for (const panel of dash.panels)
		for (const t of panel.targets)
			for (const m of t.expr.match(/vigie_[a-z_]+/g))
				assert.ok(fam[m], `${panel.title}: ${m}`);
});

test('/healthz says what is wrong', async () => {
	const ok = await fetch(`${BASE}/healthz`);
	assert.equal(ok.status, 200);
	assert.equal((await ok.text()).trim(), 'ok');
});
