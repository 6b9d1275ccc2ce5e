/*
 * dashboards/app.js - fill the "today" page from /api/v1, refresh every 30 s.
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

	function renderCounts(id, obj, total, cls) {
		const entries = Object.entries(obj || {}).map(([k, v]) => [k, num(v)]);
		entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
		const max = entries.length ? entries[0][1] : 0;
		return entries.map(([k, v]) => {
			const tr = el('tr', null,
			    keyCell(k),
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
		const rows = renderCounts('countries', r.countries, ext, 'xt');
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
		    undefined, ''), 'None', 3);
		fillTable('rules', renderCounts('rules', r.rules, undefined, ''),
		    'None', 3);

		const src = Array.isArray(r.top_sources) ? r.top_sources : [];
		const max = src.length ? num(src[0].detections) : 0;
		fillTable('sources', src.map((s) => el('tr', null,
		    el('td', { className: 'mono' }, str(s.ip)),
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
			const tr = el('tr', { className: 'clickable', tabIndex: 0 },
			    el('td', { className: 'num' }, String(num(i.id))),
			    el('td', null, badge('sev', i.severity)),
			    keyCell(str(i.rule)),
			    keyCell(str(i.group), 'group'),
			    keyCell(str(i.country)),
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
			$('auth').hidden = false;
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
			refresh().finally(schedule);
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
			refresh();
		});
		refresh();
		schedule();
	}

	document.addEventListener('DOMContentLoaded', init);
})();
