// tests/e2e/screenshot.mjs - a full-page screenshot of a running web view
// in headless Chromium: node screenshot.mjs URL OUT.png
// Fails unless the page loaded its data and shows non-zero external and
// extraterritorial figures.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, out] = process.argv.slice(2);
if (!url || !out) {
	console.error('usage: node screenshot.mjs URL OUT.png');
	process.exit(2);
}
const profile = mkdtempSync(join(tmpdir(), 'vigie-shot-'));
const browser = await chromium.launchPersistentContext(profile, {
	executablePath: '/usr/bin/chromium',
	headless: true,
	viewport: { width: 1440, height: 1500 },
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
	    '--no-first-run', '--disable-background-networking',
	    '--disable-component-update', '--disable-sync'],
});
try {
	const page = await browser.newPage();
	await page.goto(url);
	await page.waitForFunction(() => document.body.dataset.loaded === 'true');
	const figures = await page.evaluate(() => {
		const n = (id) => Number((document.getElementById(id)?.textContent
		    ?? '').replace(/[^0-9]/g, ''));
		return { external: n('t-external'),
		    extraterritorial: n('t-extraterritorial') };
	});
	await page.screenshot({ path: out });
	console.log(`screenshot ${out}: external ${figures.external}, ` +
	    `extraterritorial ${figures.extraterritorial}`);
	if (!(figures.external > 0 && figures.extraterritorial > 0)) {
		console.error('the page shows no external or extraterritorial figure');
		process.exitCode = 1;
	}
} finally {
	await browser.close();
	rmSync(profile, { recursive: true, force: true });
}
