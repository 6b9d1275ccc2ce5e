/*
 * dashboards/app.js - the web view's pages from /api/v1 (hash routes: #/,
 * #/days, #/incidents, #/incident/ID, #/source/IP, #/rules, #/rule/NAME,
 * #/sensors), refreshed every 30 s.
 * Every value from the API is attacker-controlled: it only ever becomes
 * text (textContent, createTextNode) or a number, never markup.
 */
'use strict';

(function () {
	const REFRESH_MS = 30000;
	const SVG = 'http://www.w3.org/2000/svg';
	const TOTALS = ['events', 'detections', 'external', 'extraterritorial',
	    'unknown_country', 'incidents_opened'];
	const nf = new Intl.NumberFormat('en-US');

	const state = {
		day: null,		/* null: follow today */
		today: null,		/* the server's today, once seen */
		report: null,		/* the last report shown */
		status: '',
		limit: 25,		/* incidents listed; "Show more" adds */
		detailId: null,
		timer: null,
		busy: false,
		token: sessionStorage.getItem('vigie.token') || ''
	};

	const $ = (id) => document.getElementById(id);

	/* el('td', {className: 'num'}, 'text', node...) */
	function el(tag, props, ...kids) {
		const e = document.createElement(tag);
		if (props)
			for (const k of Object.keys(props))
				e[k] = props[k];
		for (const k of kids)
			e.append(k instanceof Node ? k : document.createTextNode(
			    k === null || k === undefined ? '' : String(k)));
		return e;
	}

	/* A cell whose text may be cut by CSS: the full text on hover. */
	function keyCell(text, extra) {
		const s = text === null || text === undefined ? '' : String(text);
		return el('td', { className: 'key' + (extra ? ' ' + extra : ''),
		    title: s }, s);
	}

	function svg(tag, attrs) {
		const e = document.createElementNS(SVG, tag);
		for (const k of Object.keys(attrs || {}))
			e.setAttribute(k, String(attrs[k]));
		return e;
	}

	function num(v) {
		return typeof v === 'number' && isFinite(v) ? v : 0;
	}

	function fmt(v) {
		return nf.format(num(v));
	}

	function str(v) {
		return typeof v === 'string' && v !== '' ? v : '—';
	}

	function pct(part, whole) {
		if (!whole)
			return '—';
		const p = 100 * part / whole;
		return (p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)) + '%';
	}

	/* "2026-11-23T01:34:22Z" -> "2026-11-23 01:34:22" */
	function when(v) {
		if (typeof v !== 'string')
			return '—';
		return v.replace('T', ' ').replace(/Z$/, '');
	}

	function clear(node) {
		while (node.firstChild)
			node.removeChild(node.firstChild);
	}

	function bar(value, max, cls) {
		const outer = el('div', { className: 'bar' + (cls ? ' ' + cls : '') });
		const inner = el('span');
		inner.style.width = (max > 0 ? Math.max(1, 100 * value / max) : 0) + '%';
		outer.append(inner);
		return outer;
	}

	/* Dates as "YYYY-MM-DD", computed in UTC so that no zone shifts them. */
	function dayAdd(day, n) {
		const d = new Date(day + 'T12:00:00Z');
		d.setUTCDate(d.getUTCDate() + n);
		return d.toISOString().slice(0, 10);
	}

	function validDay(s) {
		return typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) &&
		    !isNaN(Date.parse(s + 'T00:00:00Z'));
	}

	class HttpError extends Error {
		constructor(status, message) {
			super(message);
			this.status = status;
		}
	}

	async function api(path) {
		const headers = { Accept: 'application/json' };
		if (state.token)
			headers.Authorization = 'Bearer ' + state.token;
		const res = await fetch(path, { headers, cache: 'no-store',
		    credentials: 'omit' });
		let body = null;
		try {
			body = await res.json();
		} catch (e) {
			body = null;
		}
		if (!res.ok)
			throw new HttpError(res.status, body && typeof body.error ===
			    'string' ? body.error : res.statusText);
		return body;
	}

	async function apiRaw(path) {
		const headers = { Accept: 'application/json' };
		if (state.token)
			headers.Authorization = 'Bearer ' + state.token;
		const res = await fetch(path, { headers, cache: 'no-store',
		    credentials: 'omit' });
		let body = null;
		try {
			body = await res.json();
		} catch (e) {
			body = null;
		}
		if (!res.ok)
			throw new HttpError(res.status, body && typeof body.error ===
			    'string' ? body.error : res.statusText);
		return { body, headers: res.headers };
	}

	/* A change: JSON body, the token, same origin. */
	async function apiPost(path, obj) {
		const res = await fetch(path, { method: 'POST', cache: 'no-store',
		    credentials: 'omit', mode: 'same-origin', headers: {
		    'Content-Type': 'application/json', Accept: 'application/json',
		    Authorization: 'Bearer ' + state.token },
		    body: JSON.stringify(obj) });
		let body = null;
		try {
			body = await res.json();
		} catch (e) {
			body = null;
		}
		if (!res.ok)
			throw new HttpError(res.status, body && typeof body.error ===
			    'string' ? body.error : res.statusText);
		return body;
	}

	function askToken(why) {
		$('auth').hidden = false;
		$('auth-why').textContent = why + ' It is the one line of ' +
		    'http-token-file, kept for this tab only.';
		$('token').focus();
	}

	function banner(msg) {
		const b = $('banner');
		b.textContent = msg || '';
		b.hidden = !msg;
	}

	function setStatus(ok, text) {
		$('dot').className = 'dot ' + (ok ? 'ok' : 'bad');
		$('updated').textContent = text;
	}

	/* ---- totals and origin split ---- */

	function renderTotals(r) {
		const t = r.totals || {};
		for (const k of TOTALS)
			$('t-' + k).textContent = fmt(t[k]);
		const ext = num(t.external), xt = num(t.extraterritorial);
		const unk = num(t.unknown_country);
		const home = Math.max(0, ext - xt - unk);
		$('n-external').textContent = pct(ext, num(t.detections)) +
		    ' of detections';
		$('n-extraterritorial').textContent = pct(xt, ext) + ' of external';
		$('u-sources').textContent = fmt(r.unique_sources);
		$('u-foreign').textContent = fmt(r.unique_foreign_sources);
		$('l-xt').textContent = fmt(xt) + ' · ' + pct(xt, ext);
		$('l-home').textContent = fmt(home) + ' · ' + pct(home, ext);
		$('l-unk').textContent = fmt(unk) + ' · ' + pct(unk, ext);

		const split = $('split');
		clear(split);
		if (ext === 0) {
			split.append(el('div', { className: 'empty' },
			    'No external detections'));
			return;
		}
		for (const [cls, v] of [['xt', xt], ['home', home], ['unk', unk]]) {
			if (v <= 0)
				continue;
			const seg = el('div', { className: 'seg ' + cls });
			seg.style.flexGrow = String(v);
			seg.title = fmt(v);
			if (v / ext >= 0.08)
				seg.append(el('span', null, pct(v, ext)));
			split.append(seg);
		}
	}

	/* ---- the 24-hour chart, inline SVG ---- */

	function niceMax(m) {
		if (m <= 5)
			return 5;
		const p = Math.pow(10, Math.floor(Math.log10(m)));
		for (const f of [1, 2, 2.5, 5, 10])
			if (f * p >= m)
				return f * p;
		return 10 * p;
	}

	function renderHours(r) {
		const box = $('hours');
		clear(box);
		const hours = Array.isArray(r.hours) ? r.hours.map(num) : [];
		while (hours.length < 24)
			hours.push(0);
		const W = Math.max(480, Math.round(box.clientWidth || 760));
		const H = 220, L = 44, R = 8, T = 12, B = 26;
		const max = niceMax(Math.max(...hours));
		const cw = (W - L - R) / 24;
		const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'hours',
		    role: 'img', 'aria-label': 'External detections per hour' });

		for (let i = 0; i <= 4; i++) {
			const v = max * i / 4;
			const y = T + (H - T - B) * (1 - i / 4);
			s.append(svg('line', { x1: L, x2: W - R, y1: y, y2: y,
			    class: i === 0 ? 'axis' : 'grid' }));
			const t = svg('text', { x: L - 6, y: y + 4, class: 'ylab',
			    'text-anchor': 'end' });
			t.textContent = nf.format(Math.round(v));
			s.append(t);
		}
		hours.slice(0, 24).forEach((v, h) => {
			const bh = (H - T - B) * v / max;
			const x = L + h * cw + cw * 0.15;
			const rect = svg('rect', { x: x, y: T + (H - T - B) - bh,
			    width: cw * 0.7, height: Math.max(bh, v > 0 ? 1 : 0),
			    rx: 2, class: 'hbar',
			    'data-hour': h, 'data-value': v });
			const tip = svg('title', {});
			tip.textContent = `${String(h).padStart(2, '0')}:00 – ${fmt(v)}`;
			rect.append(tip);
			s.append(rect);
			if (h % 3 === 0) {
				const t = svg('text', { x: L + h * cw + cw / 2,
				    y: H - 8, class: 'xlab', 'text-anchor': 'middle' });
				t.textContent = String(h).padStart(2, '0') + 'h';
				s.append(t);
			}
		});
		box.append(s);
	}

	/* ---- tables ---- */

	function fillTable(id, rows, empty, cols) {
		const tb = $(id).tBodies[0];
		clear(tb);
		if (rows.length === 0) {
			tb.append(el('tr', { className: 'none' }, el('td',
			    { colSpan: cols }, empty)));
			return;
		}
		for (const r of rows)
			tb.append(r);
	}

	function renderCounts(id, obj, total, cls, href) {
		const entries = Object.entries(obj || {}).map(([k, v]) => [k, num(v)]);
		entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
		const max = entries.length ? entries[0][1] : 0;
		return entries.map(([k, v]) => {
			const tr = el('tr', null,
			    href ? el('td', { className: 'key', title: k },
			    el('a', { href: href(k) }, k)) : keyCell(k),
			    el('td', { className: 'num' }, fmt(v)));
			if (total !== undefined)
				tr.append(el('td', { className: 'num muted' }, pct(v, total)));
			tr.append(el('td', { className: 'barcol' }, bar(v, max, cls)));
			return tr;
		});
	}

	function renderTables(r) {
		const t = r.totals || {};
		const ext = num(t.external);
		const rows = renderCounts('countries', r.countries, ext, 'xt',
		    (k) => '#/incidents?country=' + encodeURIComponent(k));
		if (num(t.unknown_country) > 0) {
			const unk = num(t.unknown_country);
			const max = Math.max(unk, ...Object.values(r.countries || {}).map(num));
			rows.push(el('tr', { className: 'unknown' },
			    el('td', { className: 'key' }, 'unknown'),
			    el('td', { className: 'num' }, fmt(unk)),
			    el('td', { className: 'num muted' }, pct(unk, ext)),
			    el('td', { className: 'barcol' }, bar(unk, max, 'unk'))));
		}
		fillTable('countries', rows, 'No external detections', 4);
		fillTable('categories', renderCounts('categories', r.categories,
		    undefined, '', (k) => '#/incidents?category=' +
		    encodeURIComponent(k)), 'None', 3);
		fillTable('rules', renderCounts('rules', r.rules, undefined, '',
		    (k) => '#/rule/' + encodeURIComponent(k)), 'None', 3);

		const src = Array.isArray(r.top_sources) ? r.top_sources : [];
		const max = src.length ? num(src[0].detections) : 0;
		fillTable('sources', src.map((s) => el('tr', null,
		    el('td', { className: 'mono' }, typeof s.ip === 'string' ?
		    el('a', { href: '#/source/' + encodeURIComponent(s.ip) },
		    s.ip) : '—'),
		    keyCell(s.country ? s.country : 'unknown'),
		    el('td', { className: 'num' }, fmt(s.detections)),
		    el('td', { className: 'barcol' }, bar(num(s.detections), max, 'xt')))),
		    'No external sources', 4);
	}

	function badge(kind, v) {
		const s = typeof v === 'string' ? v : '';
		const known = /^(low|medium|high|critical|open|acknowledged|closed)$/;
		return el('span', { className: 'badge ' + kind +
		    (known.test(s) ? ' ' + s : '') }, str(s));
	}

	function renderIncidents(list) {
		const rows = (Array.isArray(list) ? list : []).map((i) => {
			/* Links in a row that opens the detail: theirs only. */
			const inner = (href, text, cls) => {
				const td = keyCell(str(text), cls);
				if (typeof text === 'string' && text !== '' && href) {
					clear(td);
					const a = el('a', { href: href }, text);
					a.addEventListener('click', (e) =>
					    e.stopPropagation());
					td.append(a);
				}
				return td;
			};
			const ip = /^[0-9a-fA-F:.]+$/.test(String(i.group || '')) &&
			    /[.:]/.test(String(i.group || ''));
			const tr = el('tr', { className: 'clickable', tabIndex: 0 },
			    el('td', { className: 'num' }, String(num(i.id))),
			    el('td', null, badge('sev', i.severity)),
			    inner('#/rule/' + encodeURIComponent(String(i.rule || '')),
			    i.rule),
			    inner(ip ? '#/source/' + encodeURIComponent(i.group) : null,
			    i.group, 'group'),
			    inner('#/incidents?country=' + encodeURIComponent(
			    String(i.country || '')), i.country),
			    el('td', { className: 'num' }, fmt(i.count)),
			    el('td', null, badge('st', i.status)),
			    el('td', { className: 'mono' }, when(i.first_seen)),
			    el('td', { className: 'mono' }, when(i.last_seen)));
			tr.dataset.id = String(num(i.id));
			if (String(num(i.id)) === state.detailId)
				tr.classList.add('selected');
			tr.addEventListener('click', () => openDetail(String(num(i.id))));
			tr.addEventListener('keydown', (e) => {
				if (e.key === 'Enter' || e.key === ' ') {
					e.preventDefault();
					openDetail(String(num(i.id)));
				}
			});
			return tr;
		});
		fillTable('incidents', rows, 'No incidents', 9);
	}

	/* ---- incident detail ---- */

	function renderDetail(inc) {
		$('detail-title').textContent = 'Incident ' + num(inc.id);
		const dl = $('detail-fields');
		clear(dl);
		const fields = [['Status', badge('st', inc.status)],
		    ['Severity', badge('sev', inc.severity)],
		    ['Rule', str(inc.rule)], ['Category', str(inc.category)],
		    ['Grouped by', str(inc.group_by)], ['Group', str(inc.group)],
		    ['Source IP', str(inc.src_ip)], ['Country', str(inc.country)],
		    ['Sensor', str(inc.sensor)], ['Detections', fmt(inc.count)],
		    ['First seen', when(inc.first_seen) + ' UTC'],
		    ['Last seen', when(inc.last_seen) + ' UTC']];
		for (const [k, v] of fields)
			dl.append(el('div', null, el('dt', null, k), el('dd', null, v)));

		const ev = Array.isArray(inc.evidence) ? inc.evidence : [];
		fillTable('evidence', ev.map((e) => {
			if (e === null || typeof e !== 'object')
				e = {};
			const line = typeof e.line === 'string' ? e.line :
			    typeof e.raw === 'string' ? e.raw : '';
			return el('tr', null,
			    el('td', { className: 'mono' }, when(e.time)),
			    el('td', null, str(e.sensor)),
			    el('td', { className: 'mono' }, str(e.src_ip)),
			    el('td', null, str(e.action)),
			    el('td', { className: 'key' }, str(e.user)),
			    el('td', { className: 'line mono' }, line));
		}), 'No evidence kept', 6);
		$('detail-link').href = '#/incident/' + encodeURIComponent(
		    String(num(inc.id)));
		$('detail').hidden = false;
	}

	async function loadDetail() {
		if (state.detailId === null)
			return;
		try {
			renderDetail(await api('/api/v1/incidents/' +
			    encodeURIComponent(state.detailId)));
		} catch (e) {
			if (e instanceof HttpError && e.status === 404) {
				closeDetail();
				return;
			}
			throw e;
		}
	}

	function openDetail(id) {
		state.detailId = id;
		for (const tr of $('incidents').tBodies[0].rows)
			tr.classList.toggle('selected', tr.dataset.id === id);
		loadDetail().then(() => {
			$('detail').scrollIntoView({ block: 'nearest' });
		}).catch(failed);
	}

	function closeDetail() {
		state.detailId = null;
		$('detail').hidden = true;
		for (const tr of $('incidents').tBodies[0].rows)
			tr.classList.remove('selected');
	}

	/* ---- loading ---- */

	function failed(e) {
		if (e instanceof HttpError && e.status === 401) {
			askToken('Reads need the bearer token here.');
			setStatus(false, 'token needed');
			banner(state.token ? 'The token was refused.' : '');
			return;
		}
		setStatus(false, 'update failed ' + new Date().toLocaleTimeString());
		banner('Cannot load data: ' + (e && e.message ? e.message : 'error') +
		    '. Showing the last data received.');
	}

	async function refresh() {
		if (state.busy)
			return;
		state.busy = true;
		try {
			const day = state.day;
			const q = day ? '?day=' + encodeURIComponent(day) : '';
			/* One more than shown tells whether there are more. */
			const sq = '?limit=' + (state.limit + 1) + (state.status ?
			    '&status=' + encodeURIComponent(state.status) : '');
			const [report, incidents] = await Promise.all([
			    api('/api/v1/report' + q), api('/api/v1/incidents' + sq)]);
			$('auth').hidden = true;
			$('dayname').textContent = validDay(report.day) ? report.day : '—';
			if (state.day === null && validDay(report.day)) {
				state.today = report.day;
				$('day').value = report.day;
				$('day').max = report.day;
			}
			$('next').disabled = state.day === null ||
			    (state.today !== null && state.day >= state.today);
			$('today').disabled = state.day === null;
			renderTotals(report);
			state.report = report;
			renderHours(report);
			renderTables(report);
			const more = Array.isArray(incidents) &&
			    incidents.length > state.limit;
			renderIncidents(more ? incidents.slice(0, state.limit) :
			    incidents);
			$('more').hidden = !more;
			await loadDetail();
			banner('');
			setStatus(true, 'updated ' + new Date().toLocaleTimeString());
			document.body.dataset.loaded = 'true';
		} catch (e) {
			failed(e);
		} finally {
			state.busy = false;
		}
	}

	function schedule() {
		clearTimeout(state.timer);
		state.timer = setTimeout(() => {
			Promise.resolve(route('auto')).finally(schedule);
		}, REFRESH_MS);
	}

	function go(day) {
		state.day = day && validDay(day) && day !== state.today ? day : null;
		const u = new URL(location.href);
		if (state.day)
			u.searchParams.set('day', state.day);
		else
			u.searchParams.delete('day');
		history.replaceState(null, '', u.pathname + u.search);
		if (state.day)
			$('day').value = state.day;
		refresh();
		schedule();
	}

	function currentShownDay() {
		return state.day !== null ? state.day : ($('day').value || null);
	}

	/* ================================================================
	 * The other pages: hash routes, rendered into #view.
	 * ================================================================ */

	const SEVERITIES = ['critical', 'high', 'medium', 'low'];
	const STATUSES = ['open', 'acknowledged', 'closed', 'merged'];
	const PAGE_SIZE = 50;

	/* A link inside the view: href built from encoded parts only. */
	function link(href, text, cls) {
		const s = text === null || text === undefined || text === '' ?
		    '—' : String(text);
		return el('a', { href: href, className: cls || '', title: s }, s);
	}
	/* A link when there is something to link, else a dash. */
	function linkIf(href, text, cls) {
		return typeof text === 'string' && text !== '' ?
		    link(href, text, cls) : el('span', { className: 'muted' }, '—');
	}
	const enc = encodeURIComponent;
	const hrefIncident = (id) => '#/incident/' + enc(String(num(id)));
	const hrefSource = (ip) => '#/source/' + enc(ip);
	const hrefRule = (r) => '#/rule/' + enc(r);
	const hrefDay = (d) => '?day=' + enc(d) + '#/';
	function hrefIncidents(q) {
		const u = new URLSearchParams();
		for (const k of Object.keys(q))
			if (q[k] !== undefined && q[k] !== null && q[k] !== '')
				u.set(k, String(q[k]));
		const s = u.toString();
		return '#/incidents' + (s ? '?' + s : '');
	}
	function looksIp(s) {
		return typeof s === 'string' && (/^\d{1,3}(\.\d{1,3}){3}$/.test(s) ||
		    (/^[0-9a-fA-F:.]+$/.test(s) && s.includes(':')));
	}
	/* A group links to its source page when it is an address. */
	function groupLink(g) {
		return looksIp(g) ? link(hrefSource(g), g, 'mono') :
		    el('span', { title: String(g || '') }, str(g));
	}
	function tdLink(href, text, cls) {
		return el('td', { className: 'key' + (cls ? ' ' + cls : '') },
		    link(href, text));
	}

	function table(headers, rows, empty) {
		const thead = el('thead', null, el('tr', null, ...headers.map((h) =>
		    el('th', { className: h.startsWith('#') ? 'num' : '' },
		    h.replace(/^#/, '')))));
		const tb = el('tbody');
		if (rows.length === 0)
			tb.append(el('tr', { className: 'none' }, el('td',
			    { colSpan: headers.length }, empty || 'None')));
		for (const r of rows)
			tb.append(r);
		return el('div', { className: 'scroll' },
		    el('table', { className: 'data' }, thead, tb));
	}

	function panel(title, ...kids) {
		return el('section', { className: 'panel' },
		    el('h2', null, title), ...kids);
	}

	function fieldList(pairs) {
		const dl = el('dl', { className: 'fields' });
		for (const [k, v] of pairs)
			dl.append(el('div', null, el('dt', null, k), el('dd', null,
			    v instanceof Node ? v : str(v === null || v ===
			    undefined ? '' : String(v)))));
		return dl;
	}

	function incidentRows(list) {
		return (Array.isArray(list) ? list : []).map((i) => el('tr', null,
		    el('td', { className: 'num' }, link(hrefIncident(i.id),
		    String(num(i.id)))),
		    el('td', null, badge('sev', i.severity)),
		    tdLink(hrefRule(String(i.rule || '')), i.rule),
		    el('td', { className: 'key group' }, groupLink(i.group)),
		    el('td', { className: 'key' }, linkIf(hrefIncidents({
		    country: i.country }), i.country)),
		    el('td', { className: 'num' }, fmt(i.count)),
		    el('td', null, badge('st', i.status)),
		    el('td', { className: 'mono' }, when(i.first_seen)),
		    el('td', { className: 'mono' }, when(i.last_seen))));
	}
	const INC_HEAD = ['#ID', 'Severity', 'Rule', 'Group', 'Country',
	    '#Count', 'Status', 'First seen (UTC)', 'Last seen (UTC)'];

	/*
	 * A chart of series over days, inline SVG: bars for the first
	 * series when `bars`, lines for the others. series: [{name, cls,
	 * values}]; labels: the days.
	 */
	function dayChart(labels, series, opts) {
		const o = opts || {};
		/* Drawn at the width it is shown at, so text keeps its size. */
		const W = Math.min(1400, Math.max(320,
		    document.documentElement.clientWidth - 90));
		const H = o.height || 220, L = 52, R = 10, T = 12, B = 26;
		const all = [].concat(...series.map((s) => s.values.map(num)));
		const max = 4 * niceStep(Math.max(0, ...all) / 4);
		const n = Math.max(1, labels.length);
		const cw = (W - L - R) / n;
		const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'days',
		    role: 'img', 'aria-label': o.label || 'chart' });
		for (let i = 0; i <= 4; i++) {
			const y = T + (H - T - B) * (1 - i / 4);
			s.append(svg('line', { x1: L, x2: W - R, y1: y, y2: y,
			    class: i === 0 ? 'axis' : 'grid' }));
			const t = svg('text', { x: L - 6, y: y + 4, class: 'ylab',
			    'text-anchor': 'end' });
			t.textContent = nf.format(Math.round(max * i / 4));
			s.append(t);
		}
		const y = (v) => T + (H - T - B) * (1 - num(v) / max);
		series.forEach((ser, si) => {
			if (o.bars && si === 0) {
				ser.values.forEach((v, i) => {
					const r = svg('rect', { x: L + i * cw + cw * 0.15,
					    y: y(v), width: Math.max(1, cw * 0.7),
					    height: Math.max(0, (H - B) - y(v)),
					    class: 'dbar ' + ser.cls });
					const tip = svg('title', {});
					tip.textContent = labels[i] + ': ' + fmt(v) + ' ' +
					    ser.name;
					r.append(tip);
					s.append(r);
				});
				return;
			}
			const pts = ser.values.map((v, i) =>
			    `${(L + i * cw + cw / 2).toFixed(1)},${y(v).toFixed(1)}`);
			s.append(svg('polyline', { points: pts.join(' '),
			    class: 'dline ' + ser.cls }));
		});
		const step = Math.max(1, Math.ceil(n / 8));
		labels.forEach((d, i) => {
			if (i % step !== 0)
				return;
			const t = svg('text', { x: L + i * cw + cw / 2, y: H - 8,
			    class: 'xlab', 'text-anchor': 'middle' });
			t.textContent = String(d).slice(5);
			s.append(t);
		});
		const legend = el('div', { className: 'legend' }, ...series.map((x) =>
		    el('span', null, el('i', { className: 'sw ' + x.cls }), x.name)));
		return el('div', { className: 'chart' }, s, legend);
	}

	/* A step of 1, 2 or 5 times a power of ten, at least v (and 1). */
	function niceStep(v) {
		if (v <= 1)
			return 1;
		const p = Math.pow(10, Math.floor(Math.log10(v)));
		for (const f of [1, 2, 5, 10])
			if (f * p >= v)
				return f * p;
		return 10 * p;
	}

	/* ---- days ---- */

	async function pageDays(q) {
		const n = ['7', '30', '90'].includes(q.get('n')) ? q.get('n') : '30';
		const days = await api('/api/v1/days?n=' + n);
		const list = Array.isArray(days) ? days : [];
		const labels = list.map((d) => String(d.day));
		const t = (k) => list.map((d) => num((d.totals || {})[k]));
		const pick = el('div', { className: 'tabs' }, ...['7', '30', '90'].map(
		    (x) => el('a', { href: '#/days?n=' + x, className: x === n ?
		    'on' : '' }, x + ' days')));
		const rows = list.slice().reverse().map((d) => {
			const tt = d.totals || {};
			return el('tr', null,
			    el('td', { className: 'mono' }, link(hrefDay(String(d.day)),
			    String(d.day))),
			    el('td', { className: 'num' }, fmt(tt.events)),
			    el('td', { className: 'num' }, fmt(tt.detections)),
			    el('td', { className: 'num' }, fmt(tt.external)),
			    el('td', { className: 'num' }, fmt(tt.extraterritorial)),
			    el('td', { className: 'num' }, fmt(tt.unknown_country)),
			    el('td', { className: 'num' }, fmt(tt.incidents_opened)));
		});
		return [el('div', { className: 'panel-head' },
		    el('h1', { className: 'dayline' }, 'Last ' + n + ' days'), pick),
		    panel('Events', dayChart(labels, [{ name: 'events', cls: 'ev',
		    values: t('events') }], { bars: true, label: 'events per day',
		    height: 160 })),
		    panel('External detections and incidents', dayChart(labels, [
		    { name: 'external', cls: 'ext', values: t('external') },
		    { name: 'extraterritorial', cls: 'xt',
		    values: t('extraterritorial') },
		    { name: 'unknown country', cls: 'unk',
		    values: t('unknown_country') },
		    { name: 'incidents opened', cls: 'inc',
		    values: t('incidents_opened') }], { label: 'per day' })),
		    panel('Per day', table(['Day', '#Events', '#Detections',
		    '#External', '#Extraterritorial', '#Unknown country',
		    '#Incidents opened'], rows, 'No days'))];
	}

	/* ---- incidents ---- */

	const INC_FILTERS = ['status', 'severity', 'rule', 'category', 'country',
	    'source', 'text'];

	async function pageIncidents(q) {
		const offset = Math.max(0, parseInt(q.get('offset') || '0', 10) || 0);
		const params = new URLSearchParams();
		for (const k of INC_FILTERS)
			if (q.get(k))
				params.set(k, q.get(k).slice(0, 63));
		params.set('limit', String(PAGE_SIZE));
		params.set('offset', String(offset));
		const res = await apiRaw('/api/v1/incidents?' + params.toString());
		const list = res.body;
		const total = parseInt(res.headers.get('X-Total-Count') || '0', 10);

		const form = el('form', { className: 'filters', id: 'inc-filters' });
		const sel = (name, opts) => {
			const s = el('select', { name: name },
			    el('option', { value: '' }, 'any'),
			    ...opts.map((o) => el('option', { value: o }, o)));
			s.value = q.get(name) || '';
			return el('label', null, name, s);
		};
		const inp = (name, ph) => el('label', null, name, el('input', {
		    name: name, value: q.get(name) || '', placeholder: ph,
		    maxLength: 63, spellcheck: false }));
		form.append(sel('status', STATUSES), sel('severity', SEVERITIES),
		    inp('rule', 'rule name'), inp('category', 'category'),
		    inp('country', 'CC'), inp('source', 'address'),
		    inp('text', 'any text'), el('button', { type: 'submit' },
		    'Filter'), el('a', { href: '#/incidents', className: 'ghost' },
		    'Clear'));
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			const f = {};
			for (const k of INC_FILTERS)
				f[k] = form.elements[k].value.trim();
			location.hash = hrefIncidents(f);
		});
		const cur = {};
		for (const k of INC_FILTERS)
			cur[k] = q.get(k) || '';
		const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
		const page = Math.floor(offset / PAGE_SIZE) + 1;
		const pager = el('div', { className: 'pager' },
		    offset > 0 ? el('a', { href: hrefIncidents(Object.assign({},
		    cur, { offset: Math.max(0, offset - PAGE_SIZE) })) }, '‹ newer') :
		    el('span', { className: 'muted' }, '‹ newer'),
		    el('span', { id: 'inc-page' }, `page ${page} of ${pages} · ` +
		    `${fmt(total)} incident${total === 1 ? '' : 's'}`),
		    offset + PAGE_SIZE < total ? el('a', { href: hrefIncidents(
		    Object.assign({}, cur, { offset: offset + PAGE_SIZE })) },
		    'older ›') : el('span', { className: 'muted' }, 'older ›'));
		return [el('h1', { className: 'dayline' }, 'Incidents ',
		    el('span', { className: 'muted' }, 'by last activity')),
		    el('section', { className: 'panel' }, form),
		    el('section', { className: 'panel' }, table(INC_HEAD,
		    incidentRows(list), 'No incidents match'), pager)];
	}

	/* ---- one incident ---- */

	function evidenceRows(ev) {
		return (Array.isArray(ev) ? ev : []).map((e) => {
			if (e === null || typeof e !== 'object')
				e = {};
			const what = [];
			if (typeof e.http_method === 'string' || typeof e.url ===
			    'string')
				what.push(String(e.http_method || '') + ' ' +
				    String(e.url || ''));
			if (typeof e.user_agent === 'string')
				what.push('agent: ' + e.user_agent);
			if (typeof e.dest_ip === 'string')
				what.push('→ ' + e.dest_ip + (e.dest_port !== undefined ?
				    ':' + num(e.dest_port) : '') + ' ' +
				    String(e.proto || ''));
			const line = typeof e.line === 'string' ? e.line :
			    typeof e.payload === 'string' ? e.payload :
			    typeof e.raw === 'string' ? e.raw : '';
			return el('tr', null,
			    el('td', { className: 'mono' }, when(e.time)),
			    el('td', null, str(e.sensor)),
			    el('td', { className: 'mono' }, typeof e.src_ip ===
			    'string' ? link(hrefSource(e.src_ip), e.src_ip) : '—'),
			    el('td', null, str(e.action)),
			    el('td', { className: 'key user' }, str(e.user)),
			    el('td', { className: 'line mono' }, what.join('\n')),
			    el('td', { className: 'line mono raw' }, line));
		});
	}
	const EV_HEAD = ['Time (UTC)', 'Sensor', 'Source', 'Action', 'User',
	    'Request / flow', 'Line'];

	function timeline(inc) {
		const items = [];
		if (inc.first_seen)
			items.push([inc.first_seen, 'first detection of the window']);
		if (inc.last_seen)
			items.push([inc.last_seen, 'last detection (' + fmt(inc.count) +
			    ' in all)']);
		for (const n of Array.isArray(inc.notes) ? inc.notes : [])
			if (n && typeof n === 'object')
				items.push([n.time, String(n.change || 'note') + ' by ' +
				    String(n.by || '?') + (n.text ? ': ' + n.text : '')]);
		if (inc.closed_at && !(inc.notes || []).some((n) => n &&
		    n.change === 'closed'))
			items.push([inc.closed_at, 'closed by ' + str(inc.closed_by)]);
		items.sort((a, b) => String(a[0]) < String(b[0]) ? -1 : 1);
		return el('ol', { className: 'timeline' }, ...items.map(([t, w]) =>
		    el('li', null, el('span', { className: 'mono' }, when(t)), ' ',
		    el('span', { className: 'what' }, w))));
	}

	function changeForm(inc) {
		const st = String(inc.status || '');
		const by = el('input', { name: 'by', maxLength: 64, required: true,
		    value: sessionStorage.getItem('vigie.by') || '',
		    placeholder: 'your name', autocomplete: 'off' });
		const note = el('textarea', { name: 'note', maxLength: 4096,
		    rows: 3, placeholder: 'note (why)' });
		const msg = el('div', { className: 'msg', id: 'change-msg',
		    role: 'status' });
		const ack = el('button', { type: 'button', id: 'ack',
		    disabled: st !== 'open' }, 'Acknowledge');
		const close = el('button', { type: 'button', id: 'close',
		    disabled: st !== 'open' && st !== 'acknowledged' }, 'Close');
		const go = async (op) => {
			if (!by.value.trim()) {
				msg.textContent = 'Give your name.';
				return;
			}
			if (!state.token) {
				askToken('Changes need the bearer token.');
				msg.textContent = 'Enter the token above, then try again.';
				return;
			}
			sessionStorage.setItem('vigie.by', by.value.trim());
			ack.disabled = close.disabled = true;
			try {
				const r = await apiPost('/api/v1/incidents/' +
				    enc(String(num(inc.id))) + '/' + op, {
				    by: by.value.trim(), note: note.value });
				msg.textContent = 'Incident ' + num(r.id) + ' ' +
				    String(r.status) + ' (alert ' + String(r.alert_id) +
				    ').';
				note.value = '';
				route(true);
			} catch (e) {
				msg.textContent = 'Refused: ' + (e.message || 'error') +
				    (e.status ? ' (' + e.status + ')' : '');
				if (e.status === 401)
					askToken('The token was refused.');
				ack.disabled = st !== 'open';
				close.disabled = st !== 'open' && st !== 'acknowledged';
			}
		};
		ack.addEventListener('click', () => go('ack'));
		close.addEventListener('click', () => go('close'));
		return el('form', { className: 'change', id: 'change' },
		    el('label', null, 'Analyst', by), el('label', null, 'Note', note),
		    el('div', { className: 'buttons' }, ack, close), msg);
	}

	async function pageIncident(id) {
		let inc;
		try {
			inc = await api('/api/v1/incidents/' + enc(id));
		} catch (e) {
			if (e.status === 404 || e.status === 400)
				return [el('h1', { className: 'dayline' }, 'Incident'),
				    el('div', { className: 'panel empty' },
				    'No such incident.')];
			throw e;
		}
		const notes = (Array.isArray(inc.notes) ? inc.notes : []).map((n) =>
		    el('tr', null, el('td', { className: 'mono' }, when(n.time)),
		    el('td', null, str(n.by)), el('td', null, str(n.change)),
		    el('td', { className: 'line' }, typeof n.text === 'string' ?
		    n.text : '')));
		return [el('h1', { className: 'dayline', id: 'inc-title' },
		    'Incident ' + num(inc.id) + ' ', badge('st', inc.status)),
		    el('section', { className: 'panel detail' }, fieldList([
		    ['Severity', badge('sev', inc.severity)],
		    ['Rule', linkIf(hrefRule(String(inc.rule || '')), inc.rule)],
		    ['Category', linkIf(hrefIncidents({ category: inc.category }),
		    inc.category)],
		    ['Grouped by', inc.group_by], ['Group', groupLink(inc.group)],
		    ['Source IP', typeof inc.src_ip === 'string' ?
		    link(hrefSource(inc.src_ip), inc.src_ip) : '—'],
		    ['Country', linkIf(hrefIncidents({ country: inc.country }),
		    inc.country)],
		    ['Sensor', inc.sensor], ['Detections', fmt(inc.count)],
		    ['First seen', when(inc.first_seen) + ' UTC'],
		    ['Last seen', when(inc.last_seen) + ' UTC'],
		    ['First day', typeof inc.first_seen === 'string' ?
		    link(hrefDay(inc.first_seen.slice(0, 10)),
		    inc.first_seen.slice(0, 10)) : '—'],
		    ['Acknowledged', inc.acknowledged_by ? str(inc.acknowledged_by) +
		    ' at ' + when(inc.acknowledged_at) : '—'],
		    ['Closed', inc.closed_by ? str(inc.closed_by) + ' at ' +
		    when(inc.closed_at) : '—']])),
		    el('div', { className: 'grid' },
		    panel('Timeline', timeline(inc)),
		    panel('Acknowledge or close', changeForm(inc))),
		    panel('Evidence (newest first)', table(EV_HEAD,
		    evidenceRows(inc.evidence), 'No evidence kept')),
		    panel('Notes', table(['Time (UTC)', 'By', 'Change', 'Note'],
		    notes, 'No notes yet'))];
	}

	/* ---- one source ---- */

	async function pageSource(ip) {
		let s;
		try {
			s = await api('/api/v1/source/' + enc(ip) + '?days=30');
		} catch (e) {
			if (e.status === 400)
				return [el('h1', { className: 'dayline' }, 'Source'),
				    el('div', { className: 'panel empty' },
				    'Not an IPv4 or IPv6 address.')];
			throw e;
		}
		const days = Array.isArray(s.days) ? s.days : [];
		const rules = Object.entries(s.rules || {}).sort((a, b) =>
		    num(b[1]) - num(a[1]));
		const dets = (Array.isArray(s.detections_latest) ?
		    s.detections_latest : []).map((d) => el('tr', null,
		    el('td', { className: 'mono' }, when(d.time)),
		    tdLink(hrefRule(String(d.rule || '')), d.rule),
		    el('td', null, badge('sev', d.severity)),
		    el('td', { className: 'key' }, str(d.group)),
		    el('td', { className: 'mono' }, str(d.event))));
		return [el('h1', { className: 'dayline', id: 'src-title' },
		    'Source ', el('span', { className: 'mono' }, str(s.ip))),
		    el('section', { className: 'panel' }, fieldList([
		    ['Country', s.country ? link(hrefIncidents({ country:
		    s.country }), s.country) : 'unknown'],
		    ['Detections, 30 days', fmt(s.detections)],
		    ['First day', s.first_day ? link(hrefDay(s.first_day),
		    s.first_day) : '—'],
		    ['Last day', s.last_day ? link(hrefDay(s.last_day),
		    s.last_day) : '—'],
		    ['First seen', s.first_seen ? when(s.first_seen) + ' UTC' : '—'],
		    ['Last seen', s.last_seen ? when(s.last_seen) + ' UTC' : '—'],
		    ['Incidents', fmt((s.incidents || []).length)]])),
		    panel('Detections per day', dayChart(days.map((d) => d.day),
		    [{ name: 'external detections', cls: 'xt',
		    values: days.map((d) => num(d.detections)) }],
		    { bars: true, height: 160, label: 'detections per day' })),
		    el('div', { className: 'grid' },
		    panel('Rules hit (last 7 days)', table(['Rule', '#Detections'],
		    rules.map(([r, n]) => el('tr', null, tdLink(hrefRule(r), r),
		    el('td', { className: 'num' }, fmt(n)))), 'No rule hit')),
		    panel('Latest detections', table(['Time (UTC)', 'Rule',
		    'Severity', 'Group', 'Event'], dets, 'None'))),
		    panel('Incidents', table(INC_HEAD, incidentRows(s.incidents),
		    'No incidents')),
		    panel('Evidence', table(EV_HEAD, evidenceRows(s.evidence),
		    'No evidence kept'))];
	}

	/* ---- rules ---- */

	function spark(values) {
		const W = 120, H = 24, max = Math.max(1, ...values.map(num));
		const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'spark',
		    role: 'img', 'aria-label': 'per day' });
		const w = W / Math.max(1, values.length);
		values.forEach((v, i) => {
			const h = (H - 2) * num(v) / max;
			s.append(svg('rect', { x: i * w + 1, y: H - h, width:
			    Math.max(1, w - 2), height: h, class: 'sbar' }));
		});
		return s;
	}

	async function pageRules() {
		const rules = await api('/api/v1/rules?days=7');
		const rows = (Array.isArray(rules) ? rules : []).map((r) => el('tr',
		    null, tdLink(hrefRule(String(r.name || '')), r.name),
		    el('td', null, link(hrefIncidents({ category: r.category }),
		    r.category)),
		    el('td', null, badge('sev', r.severity)),
		    el('td', { className: 'num' }, fmt(r.hits)),
		    el('td', { className: 'mono' }, when(r.last_hit)),
		    el('td', { className: 'num' }, link(hrefIncidents({ rule:
		    r.name }), fmt(r.incidents))),
		    el('td', { className: 'num' }, fmt(r.incidents_active)),
		    el('td', { className: 'num' }, fmt(r.no_group)),
		    el('td', null, spark((r.days || []).map((d) => d.detections)))));
		return [el('h1', { className: 'dayline' }, 'Rules ',
		    el('span', { className: 'muted' }, 'in force')),
		    el('section', { className: 'panel' }, table(['Rule', 'Category',
		    'Severity', '#Hits', 'Last hit (UTC)', '#Incidents', '#Active',
		    '#No group', 'External, 7 days'], rows, 'No rules loaded'),
		    el('p', { className: 'muted' }, 'Scan cost: YARA does not ' +
		    'time rules one by one; the workers\' total scan time is ' +
		    'vigie_yara_scan_seconds_total in /metrics.'))];
	}

	async function pageRule(name) {
		let r;
		try {
			r = await api('/api/v1/rules/' + enc(name) + '?days=30');
		} catch (e) {
			if (e.status === 404 || e.status === 400)
				return [el('h1', { className: 'dayline' }, 'Rule'),
				    el('div', { className: 'panel empty' },
				    'No such rule in force.')];
			throw e;
		}
		const days = Array.isArray(r.days) ? r.days : [];
		const dets = (Array.isArray(r.detections_latest) ?
		    r.detections_latest : []).map((d) => el('tr', null,
		    el('td', { className: 'mono' }, when(d.time)),
		    el('td', { className: 'mono' }, typeof d.src_ip === 'string' &&
		    d.src_ip ? link(hrefSource(d.src_ip), d.src_ip) : '—'),
		    el('td', null, str(d.country)),
		    el('td', { className: 'key' }, str(d.group)),
		    el('td', { className: 'mono' }, str(d.event))));
		return [el('h1', { className: 'dayline', id: 'rule-title' },
		    'Rule ', el('span', { className: 'mono' }, str(r.name))),
		    el('section', { className: 'panel' }, fieldList([
		    ['Description', r.description], ['Category', r.category],
		    ['Severity', badge('sev', r.severity)],
		    ['Threshold', fmt(r.threshold) + ' in ' + fmt(r.window) + ' s'],
		    ['Grouped by', r.group_by], ['Hits', fmt(r.hits)],
		    ['Last hit', when(r.last_hit)],
		    ['Incidents', link(hrefIncidents({ rule: r.name }),
		    fmt(r.incidents) + ' (' + fmt(r.incidents_active) + ' active)')],
		    ['No group', fmt(r.no_group)], ['File', r.file]])),
		    panel('External detections per day', dayChart(days.map((d) =>
		    d.day), [{ name: 'external detections', cls: 'ext',
		    values: days.map((d) => num(d.detections)) }],
		    { bars: true, height: 160, label: 'per day' })),
		    panel('Source', el('pre', { className: 'source', id:
		    'rule-source' }, typeof r.source === 'string' ? r.source :
		    'not found in the rule files')),
		    panel('Latest detections', table(['Time (UTC)', 'Source',
		    'Country', 'Group', 'Event'], dets, 'None in the last 30 days'))];
	}

	/* ---- sensors ---- */

	function ago(epoch) {
		const t = parseInt(epoch, 10);
		if (!t)
			return '—';
		const s = Math.round(Date.now() / 1000 - t);
		const abs = new Date(t * 1000).toISOString().slice(0, 19)
		    .replace('T', ' ');
		if (s < 0)
			return abs;
		if (s < 120)
			return abs + ' (' + s + ' s ago)';
		if (s < 7200)
			return abs + ' (' + Math.round(s / 60) + ' min ago)';
		return abs + ' (' + Math.round(s / 3600) + ' h ago)';
	}

	async function pageSensors() {
		const list = await api('/api/v1/sensors');
		const rows = (Array.isArray(list) ? list : []).map((s) => {
			const h = s.health || {}, g = s.group || {}, st = s.stream || {};
			const epm = s.events_per_minute;
			return el('tr', null,
			    el('td', { className: 'key' }, str(s.sensor)),
			    el('td', { className: 'mono' }, ago(h.last_event)),
			    el('td', { className: 'num' }, typeof epm === 'number' ?
			    fmt(Math.round(epm)) : '—'),
			    el('td', { className: 'num' }, typeof s.lag_seconds ===
			    'number' ? s.lag_seconds.toFixed(1) + ' s' : '—'),
			    el('td', { className: 'num' }, fmt(g.lag)),
			    el('td', { className: 'num' }, fmt(g.pending)),
			    el('td', { className: 'num' }, fmt(st.length)),
			    el('td', { className: 'num' }, fmt(+h.spool_events || 0)),
			    el('td', { className: 'num' }, fmt(+h.spool_bytes || 0)),
			    el('td', { className: 'num' }, fmt(+h.drops || 0)),
			    el('td', { className: 'num' }, fmt(+h.no_header || 0)),
			    el('td', null, h.paused === '1' ? 'paused' : 'reading'),
			    el('td', { className: 'mono' }, ago(h.updated)));
		});
		return [el('h1', { className: 'dayline' }, 'Sensors'),
		    el('section', { className: 'panel' }, table(['Sensor',
		    'Last event (UTC)', '#Events/min', '#Lag', '#Unread frames',
		    '#Pending', '#Stream', '#Spooled events', '#Spool bytes',
		    '#Drops', '#No header', 'Inputs', 'Health updated (UTC)'], rows,
		    'No sensor has written yet'),
		    el('p', { className: 'muted' }, 'Figures low? Check the last ' +
		    'event, the lag and the spool: a collector that cannot reach ' +
		    'Redis spools; a correlator behind shows lag and pending.'))];
	}

	/* ---- the router ---- */

	function parseRoute() {
		const h = location.hash.replace(/^#/, '') || '/';
		const qi = h.indexOf('?');
		const path = qi === -1 ? h : h.slice(0, qi);
		const q = new URLSearchParams(qi === -1 ? '' : h.slice(qi + 1));
		const parts = path.split('/').filter((x) => x !== '');
		let arg = null;
		try {
			arg = parts.length > 1 ? decodeURIComponent(parts.slice(1)
			    .join('/')) : null;
		} catch (e) {
			arg = null;
		}
		return { page: parts[0] || 'today', arg, q };
	}

	const PAGES = {
		days: (r) => pageDays(r.q),
		incidents: (r) => pageIncidents(r.q),
		incident: (r) => pageIncident(r.arg || ''),
		source: (r) => pageSource(r.arg || ''),
		rules: () => pageRules(),
		rule: (r) => pageRule(r.arg || ''),
		sensors: () => pageSensors()
	};

	let routeSeq = 0;

	/* Shows the page the hash names; `quiet`: a refresh, no spinner. */
	async function route(quiet) {
		const r = parseRoute();
		const view = $('view');
		const today = r.page === 'today' || !PAGES[r.page];
		for (const a of $('nav').querySelectorAll('a'))
			a.classList.toggle('on', a.dataset.page === (today ? 'today' :
			    r.page === 'incident' ? 'incidents' : r.page === 'rule' ?
			    'rules' : r.page));
		$('today-page').hidden = !today;
		$('daypick').hidden = !today;
		view.hidden = today;
		if (today) {
			document.title = 'Vigie · today';
			document.body.dataset.page = 'today';
			return refresh();
		}
		/* A refresh does not replace a form being filled in. */
		if (quiet === 'auto' && view.contains(document.activeElement) &&
		    /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName))
			return;
		const seq = ++routeSeq;
		if (quiet !== 'auto') {
			document.body.dataset.loaded = 'false';
			if (quiet !== true) {
				clear(view);
				view.append(el('div', { className: 'panel loading' },
				    'Loading…'));
			}
		}
		try {
			const nodes = await PAGES[r.page](r);
			if (seq !== routeSeq)
				return;
			clear(view);
			view.append(...nodes);
			document.title = 'Vigie · ' + r.page;
			document.body.dataset.page = r.page;
			$('auth').hidden = true;
			banner('');
			setStatus(true, 'updated ' + new Date().toLocaleTimeString());
			document.body.dataset.loaded = 'true';
		} catch (e) {
			if (seq !== routeSeq)
				return;
			if (quiet !== 'auto') {
				clear(view);
				view.append(el('div', { className: 'panel empty' },
				    'Could not load this page.'));
			}
			failed(e);
		}
	}

	function init() {
		const p = new URLSearchParams(location.search).get('day');
		state.day = validDay(p) ? p : null;
		if (state.day)
			$('day').value = state.day;

		$('prev').addEventListener('click', () => {
			const d = currentShownDay();
			if (d)
				go(dayAdd(d, -1));
		});
		$('next').addEventListener('click', () => {
			const d = currentShownDay();
			if (d)
				go(dayAdd(d, 1));
		});
		$('today').addEventListener('click', () => go(null));
		$('day').addEventListener('change', () => go($('day').value));
		$('more').addEventListener('click', () => {
			state.limit += 100;
			refresh();
		});
		$('status').addEventListener('change', () => {
			state.status = $('status').value;
			refresh();
		});
		$('detail-close').addEventListener('click', closeDetail);
		let resizing = null;
		window.addEventListener('resize', () => {
			clearTimeout(resizing);
			resizing = setTimeout(() => {
				if (state.report)
					renderHours(state.report);
			}, 150);
		});
		$('auth').addEventListener('submit', (e) => {
			e.preventDefault();
			state.token = $('token').value.trim();
			sessionStorage.setItem('vigie.token', state.token);
			$('token').value = '';
			$('auth').hidden = true;
			route(true);
		});
		window.addEventListener('hashchange', () => {
			window.scrollTo(0, 0);
			route();
			schedule();
		});
		route();
		schedule();
	}

	document.addEventListener('DOMContentLoaded', init);
})();
