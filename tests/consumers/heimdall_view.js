// Copyright: contributors to hardening.signal
// GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
// Open Heimdall Lite (served on 127.0.0.1 by the test, with the file as its predefined load) in headless Chromium
// through playwright-core, and print one JSON line: the status cards, the rows of the results table, page errors,
// whether any script from the data ran, and every request for somewhere else (all refused).
// Usage: node heimdall_view.js URL CHROMIUM TIMEOUT_MS
'use strict';
const {chromium} = require('playwright-core');

(async () => {
  const [url, executablePath, timeoutText] = process.argv.slice(2);
  const timeout = Number(timeoutText);
  const origin = new URL(url).origin;
  const seen = {outside: [], pageErrors: [], cards: {}, rows: [], xss: null};
  const browser = await chromium.launch({executablePath, timeout, args: [
    '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync']});
  try {
    const page = await browser.newPage({viewport: {width: 1400, height: 1000}});
    page.setDefaultTimeout(timeout);
    await page.route('**/*', (route) => {
      const target = route.request().url();
      if (target.startsWith(origin + '/') || target.startsWith('data:') || target.startsWith('blob:')) {
        return route.continue();
      }
      seen.outside.push(target);
      return route.abort();
    });
    page.on('pageerror', (error) => seen.pageErrors.push(String(error).slice(0, 300)));
    await page.goto(url, {waitUntil: 'load'});
    await page.getByText('Status Counts').waitFor();
    const text = await page.evaluate(() => document.body.innerText);
    for (const [name, pattern] of [['passed', /Passed: (\d+)/], ['failed', /Failed: (\d+)/],
      ['not_applicable', /Not Applicable: (\d+)/], ['not_reviewed', /Not Reviewed: (\d+)/],
      ['error', /ALERT: (\d+) Profile Errors?/], ['waived', /INFO: (\d+) Waived Tests?/]]) {
      const match = text.match(pattern);
      seen.cards[name] = match ? Number(match[1]) : 0;
    }
    await page.getByText('Results View Data').scrollIntoViewIfNeeded();
    await page.mouse.wheel(0, 4000);
    await page.getByText(/@/).first().waitFor();
    const table = await page.evaluate(() => document.body.innerText);
    const lines = table.split('\n').map((line) => line.trim());
    const statuses = new Set(['Passed', 'Failed', 'Not Applicable', 'Not Reviewed', 'Profile Error']);
    for (let i = 0; i + 2 < lines.length; i++) {
      if (statuses.has(lines[i]) && lines[i + 2].includes('@')) {
        seen.rows.push({status: lines[i], id: lines[i + 2]});
      }
    }
    seen.xss = await page.evaluate(() => window.__xss === undefined ? null : window.__xss);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(seen));
})().catch((error) => {
  console.log(JSON.stringify({fatal: String(error).slice(0, 2000)}));
});
