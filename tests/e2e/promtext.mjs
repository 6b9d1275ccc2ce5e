// tests/e2e/promtext.mjs - a strict parser of the Prometheus text format
// (0.0.4): HELP and TYPE before a family's samples, a family's samples
// together, label names and escapes as the format defines them, one
// value per series. Throws naming the line on anything else.
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function value(s, n) {
	if (/^[+-]?Inf$/.test(s) || s === 'NaN')
		return Number(s.replace('Inf', 'Infinity'));
	if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s))
		throw new Error(`line ${n}: bad value "${s}"`);
	return Number(s);
}

function labels(s, n) {
	const out = {};
	let i = 0;
	while (i < s.length) {
		const eq = s.indexOf('=', i);
		if (eq === -1)
			throw new Error(`line ${n}: label without =`);
		const name = s.slice(i, eq);
		if (!LABEL.test(name) || name in out)
			throw new Error(`line ${n}: bad or repeated label "${name}"`);
		if (s[eq + 1] !== '"')
			throw new Error(`line ${n}: label value not quoted`);
		let v = '', j = eq + 2;
		for (; j < s.length && s[j] !== '"'; j++) {
			if (s[j] === '\\') {
				const c = s[++j];
				if (c === 'n')
					v += '\n';
				else if (c === '\\' || c === '"')
					v += c;
				else
					throw new Error(`line ${n}: bad escape \\${c}`);
			} else
				v += s[j];
		}
		if (j >= s.length)
			throw new Error(`line ${n}: unterminated label value`);
		out[name] = v;
		i = j + 1;
		if (i < s.length) {
			if (s[i] !== ',')
				throw new Error(`line ${n}: expected , between labels`);
			i++;
		}
	}
	return out;
}

export function parseMetrics(text) {
	const fam = {};
	const done = new Set();
	let cur = null;
	const lines = text.split('\n');
	if (lines[lines.length - 1] !== '')
		throw new Error('no newline at the end');
	lines.pop();
	lines.forEach((line, k) => {
		const n = k + 1;
		let m;
		if ((m = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line))) {
			const name = m[2];
			if (!NAME.test(name))
				throw new Error(`line ${n}: bad name ${name}`);
			if (cur !== name) {
				if (done.has(name))
					throw new Error(`line ${n}: ${name} split`);
				if (cur)
					done.add(cur);
				cur = name;
			}
			fam[name] = fam[name] || { samples: [], seen: new Set() };
			if (m[1] === 'TYPE') {
				if (!TYPES.has(m[3]) || fam[name].type)
					throw new Error(`line ${n}: bad TYPE`);
				if (fam[name].samples.length)
					throw new Error(`line ${n}: TYPE after samples`);
				fam[name].type = m[3];
			} else {
				if (fam[name].help !== undefined)
					throw new Error(`line ${n}: HELP twice`);
				fam[name].help = m[3];
			}
			return;
		}
		if (line.startsWith('#') || line === '')
			return;
		m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/
		    .exec(line);
		if (!m)
			throw new Error(`line ${n}: not a sample: ${line}`);
		const name = m[1];
		if (name !== cur || !fam[name] || !fam[name].type)
			throw new Error(`line ${n}: ${name} has no TYPE before it`);
		const l = labels(m[3] || '', n);
		const key = JSON.stringify(Object.entries(l).sort());
		if (fam[name].seen.has(key))
			throw new Error(`line ${n}: ${name} series twice`);
		fam[name].seen.add(key);
		const v = value(m[4], n);
		if (fam[name].type === 'counter' && !(v >= 0))
			throw new Error(`line ${n}: negative counter`);
		fam[name].samples.push({ labels: l, value: v });
	});
	return fam;
}
