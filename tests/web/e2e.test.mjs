// End-to-end tests of the analysts' web page: the real `vigil serve` on a free loopback
// port with the bundled sample list (an empty data folder: nothing fetched), driven in
// Debian's headless Chromium by playwright-core.
// VIGIL_BINARY names the program (default: build/vigil); SCREENSHOT_DIR (default: the
// system's temp folder) receives results.png and entity.png.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {chromium} from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = process.env.VIGIL_BINARY || path.join(here, '..', '..', 'build', 'vigil');
const shots = process.env.SCREENSHOT_DIR || tmpdir();
const fixtures = path.join(here, '..', 'fixtures');
const sampleDir = path.join(here, '..', '..', 'data', 'sample');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

let server;
let base;
let browser;

// Starts `vigil serve --port 0` and resolves with its URL from the "listening" log line.
// `extra`: more arguments (e.g. --lists ...).
function startServer(extra = []) {
  return new Promise((resolve, reject) => {
    // An empty data folder: the lists fetched on this machine, if any, are not used.
    const env = {...process.env, VIGIL_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'vigil-data-'))};
    delete env.VIGIL_SAMPLE_DIR;
    const child = spawn(binary, ['serve', '--port', '0', ...extra],
                        {stdio: ['ignore', 'ignore', 'pipe'], env});
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('vigil serve did not start: ' + buffered)), 30000);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`vigil serve exited with ${code}: ${buffered}`)));
    child.stderr.on('data', (chunk) => {
      buffered += chunk;
      for (const line of buffered.split('\n')) {
        if (!line.startsWith('{')) continue;
        let entry;
        try { entry = JSON.parse(line); } catch { continue; }
        if (entry.msg === 'listening') {
          clearTimeout(timer);
          resolve({child, url: `http://127.0.0.1:${entry.port}`});
        }
      }
    });
  });
}

async function waitReady(url) {
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(url + '/readyz');
      if (r.status === 200) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server never became ready');
}

before(async () => {
  assert.ok(existsSync(binary), `no vigil program at ${binary} (set VIGIL_BINARY)`);
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath} (apt-get install chromium)`);
  const s = await startServer();
  server = s.child;
  base = s.url;
  await waitReady(base);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(shots, {recursive: true});
});

after(async () => {
  if (browser) await browser.close();
  if (server) { server.removeAllListeners('exit'); server.kill('SIGTERM'); }
});

test('search shows ranked results with the matched name highlighted', async () => {
  const page = await browser.newPage({viewport: {width: 1280, height: 800}});
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(base + '/');
  // The list versions in use are shown.
  await page.waitForFunction(() => document.getElementById('lists').textContent.includes('version'));
  assert.match(await page.textContent('#lists'), /40 entities/);
  // Type and press Enter, as an analyst would.
  await page.fill('#q', 'Kim Jong Un');
  await page.press('#q', 'Enter');
  await page.waitForSelector('#results li.result');
  const first = page.locator('#results li.result').first();
  assert.equal(await first.getAttribute('data-id'), 'us_ofac_sdn:20157');
  assert.match(await first.locator('.title').textContent(), /KIM, Jong Un/);
  assert.match(await first.locator('.badge').textContent(), /match/);
  const marks = await first.locator('.matched mark').allTextContents();
  assert.deepEqual(marks.map((m) => m.toUpperCase()).sort(), ['JONG', 'KIM', 'UN']);
  assert.ok(await first.locator('.tok').count() >= 3, 'token pairs shown');
  assert.match(await page.textContent('#status'), /result/);
  assert.ok(page.url().includes('#/search?q=Kim+Jong+Un'), 'the search is in the address');

  // The screenshot shows the results: the first card is inside the visible page and the
  // image is a real picture of it (not blank).
  const box = await first.boundingBox();
  assert.ok(box && box.y >= 0 && box.y + box.height <= 800 && box.height > 40, JSON.stringify(box));
  const file = path.join(shots, 'results.png');
  await page.screenshot({path: file});
  assert.ok(statSync(file).size > 20000, 'screenshot has content');
  const card = await first.screenshot();
  assert.ok(card.length > 5000, 'result card rendered');
  assert.deepEqual(errors, []);
  await page.close();
});

test('token chips speak in the words as written, with the rule that related them', async () => {
  const page = await browser.newPage({viewport: {width: 1280, height: 800}});
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The sample lists PARK, Jin Hyok; "Hyuk" is another romanization of its last syllable.
  await page.goto(base + '/#/search?q=Park+Jin+Hyuk');
  await page.waitForSelector('#results li.result');
  const first = page.locator('#results li.result').first();
  assert.equal(await first.getAttribute('data-id'), 'us_ofac_sdn:24918');
  const chips = await first.locator('.tok').allTextContents();
  assert.ok(chips.includes('Park = PARK'), JSON.stringify(chips));
  assert.ok(chips.includes('Hyuk ≈ Hyok: same Korean syllable 혁'), JSON.stringify(chips));
  // Never the matcher's own forms: syllable keys (PAK, HYOK) or normalized tokens.
  for (const c of chips) assert.doesNotMatch(c, /\bPAK\b|\bHYOK\b|\bpark\b/, c);
  assert.deepEqual((await first.locator('.matched mark').allTextContents()).sort(), ['Hyok', 'Jin', 'PARK']);

  // Hangul: one chip for the word, naming the transliteration and the syllables.
  await page.goto(base + '/#/search?q=' + encodeURIComponent('김정은'));
  await page.waitForFunction(() => document.querySelector('#results li.result .tok') &&
    document.querySelector('#results li.result .tok').textContent.startsWith('김정은'));
  const hangul = await page.locator('#results li.result').first().locator('.tok').allTextContents();
  assert.deepEqual(hangul, ['김정은 ≈ KIM, Jong Un: Hangul transliterated; same Korean syllables 김 정 은']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard: / focuses search, arrows select, Enter opens the entity, Esc goes back', async () => {
  const page = await browser.newPage({viewport: {width: 1280, height: 800}});
  await page.goto(base + '/');
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
  await page.keyboard.type('Korea Mining Development Trading Corporation');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#results li.result');
  await page.keyboard.press('ArrowDown');
  const selectedId = await page.getAttribute('#results li.result.selected', 'data-id');
  assert.ok(selectedId, 'a result is selected');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#entity h1');
  assert.ok(decodeURIComponent(page.url()).endsWith('#/entity/' + selectedId));
  await page.keyboard.press('Escape');
  await page.waitForSelector('#results li.result');
  assert.ok(page.url().includes('#/search?'));
  await page.close();
});

test('entity page shows all its data and related entities', async () => {
  const page = await browser.newPage({viewport: {width: 1280, height: 800}});
  await page.goto(base + '/#/search?q=JONG+Song+Ho');
  await page.waitForSelector('#results li.result');
  await page.locator('#results li.result').first().click();
  await page.waitForSelector('#entity h1');
  assert.equal(await page.textContent('#entity h1'), 'JONG, Song Ho');
  const text = await page.textContent('#entity');
  assert.match(text, /us_ofac_sdn:48269/);
  assert.match(text, /1972-11-15/);
  assert.match(text, /109110001/);          // passport
  assert.match(text, /DPRK4/);              // program
  assert.match(text, /Related entities/);
  assert.match(text, /JINMYONG JOINT BANK/);  // linked to
  assert.doesNotMatch(text, /\[object|undefined|null/);  // every value rendered as text
  // The related entity is a link to its own page.
  const link = page.locator('#entity table.related a').first();
  await link.click();
  await page.waitForFunction(() => document.querySelector('#entity h1') &&
    document.querySelector('#entity h1').textContent.includes('JINMYONG'));
  const related = await page.textContent('#entity');
  assert.match(related, /linked from/);  // JONG links to it, said in words
  assert.doesNotMatch(related, /linked_to/);
  assert.doesNotMatch(related, /\[object|undefined|null/);
  await page.screenshot({path: path.join(shots, 'entity.png')});
  await page.close();
});

test('a query with no hit and a bad date say so plainly', async () => {
  const page = await browser.newPage();
  await page.goto(base + '/#/search?q=Quentin+Obscurename');
  await page.waitForFunction(() => !document.getElementById('noalert').hidden);
  assert.match(await page.textContent('#noalert'), /No alert for “Quentin Obscurename” on .* as of \d{4}-\d\d-\d\d/);
  await page.goto(base + '/#/search?q=Kim&dob=yesterday');
  await page.waitForFunction(() => document.getElementById('status').classList.contains('error'));
  assert.match(await page.textContent('#status'), /not a date/);
  await page.close();
});

test('the sample is a banner no one can miss, and the footer dates each list', async () => {
  const page = await browser.newPage({viewport: {width: 1280, height: 800}});
  await page.goto(base + '/');
  await page.waitForFunction(() => !document.getElementById('sample').hidden);
  const banner = await page.textContent('#sample');
  assert.match(banner, /SAMPLE LIST, NOT THE OFFICIAL LISTS/);
  assert.match(banner, /40-entry SAMPLE/);
  assert.match(banner, /vigil fetch/);
  assert.ok(await page.locator('#sample').isVisible());
  const box = await page.locator('#sample').boundingBox();
  assert.ok(box && box.y < 200 && box.height > 10, 'the banner is at the top: ' + JSON.stringify(box));
  // The footer gives each list's publication date and age, not when the server loaded it.
  await page.waitForFunction(() => document.getElementById('lists').textContent.includes('days old'));
  const footer = await page.textContent('#lists');
  assert.match(footer, /published \d{4}-\d\d-\d\d \(date of the file: it states none\), \d+ days? old/);
  assert.match(footer, /\(SAMPLE\)/);
  assert.doesNotMatch(footer, /loaded/);
  // Results say which lists they were screened against.
  await page.fill('#q', 'Kim Jong Un');
  await page.press('#q', 'Enter');
  await page.waitForSelector('#results li.result');
  assert.match(await page.textContent('#status'), /\(SAMPLE\) as of \d{4}-/);
  assert.ok(await page.locator('#sample').isVisible(), 'the banner stays');
  await page.close();
});

test('a search without alert says so with the lists and their dates, weaker results on demand', async () => {
  const page = await browser.newPage({viewport: {width: 1280, height: 800}});
  await page.goto(base + '/#/search?q=Viktor+Bout');
  await page.waitForFunction(() => !document.getElementById('noalert').hidden);
  assert.match(await page.textContent('#noalert'), /^No alert for “Viktor Bout” on OFAC Specially Designated Nationals \(SDN\) List \(SAMPLE\) as of \d{4}-\d\d-\d\d\./);
  assert.equal(await page.locator('#results li.result').count(), 0, 'no unrelated cards');
  // "Korea Trading" scores under review against two sample entries: no alert, and the
  // weaker results only when asked for.
  await page.goto(base + '/#/search?q=Korea+Trading');
  await page.waitForFunction(() => document.getElementById('noalert').textContent.includes('Korea Trading'));
  assert.equal(await page.locator('#results li.result').count(), 0, 'no cards before asking');
  const more = page.locator('#noalert button');
  assert.equal(await more.count(), 1, 'the weaker results are offered');
  await more.click();
  assert.ok(await page.locator('#results li.result').count() > 0);
  for (const b of await page.locator('#results .badge').allTextContents()) assert.equal(b, 'no alert');
  await page.close();
});

test('an entity opened by its address clears the previous query from the header', async () => {
  const page = await browser.newPage({viewport: {width: 1280, height: 800}});
  await page.goto(base + '/#/search?q=Kim+Jong+Un');
  await page.waitForSelector('#results li.result');
  assert.equal(await page.inputValue('#q'), 'Kim Jong Un');
  await page.goto(base + '/#/entity/' + encodeURIComponent('us_ofac_sdn:48269'));
  await page.waitForFunction(() => document.querySelector('#entity h1') &&
    document.querySelector('#entity h1').textContent.includes('JONG'));
  assert.equal(await page.inputValue('#q'), '');
  // Back to the results brings the query back.
  await page.goBack();
  await page.waitForSelector('#results li.result');
  assert.equal(await page.inputValue('#q'), 'Kim Jong Un');
  await page.close();
});

test('long ids and names stay inside their cards at a narrow width', async () => {
  const page = await browser.newPage({viewport: {width: 360, height: 740}});
  await page.goto(base + '/#/search?q=Korea+Mining+Development+Trading+Corporation');
  await page.waitForSelector('#results li.result');
  // A card as the page draws it for an id and a name without a place to break (CSL ids
  // are 40 hex digits), beside the real ones.
  await page.evaluate(() => {
    const long = 'us_csl:' + '0123456789abcdef'.repeat(3);
    document.getElementById('results').append(resultItem({
      id: long, name: 'SHENZHENLONGNAMEWITHOUTANYSPACEATALLTECHNOLOGYCOLTD', score: 0.8,
      decision: 'review', kind: 'organization', list: 'us_csl', programs: ['ENTITY-LIST-' + long],
      matched_name: 'SHENZHENLONGNAMEWITHOUTANYSPACEATALLTECHNOLOGYCOLTD', matched_name_kind: 'primary',
      explanation: {tokens: []}}, 99));
  });
  const overflow = await page.evaluate(() => [...document.querySelectorAll('#results li.result')]
    .filter((li) => li.scrollWidth > li.clientWidth + 1).length);
  assert.equal(overflow, 0, 'a card is wider than its box');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
    'the page scrolls sideways');
  await page.close();
});

test('a party on two lists is one card that names the other list', async () => {
  // The sample plus a one-row Consolidated Screening List whose Treasury row is the
  // sample's KIM, Jong Un (the CSL carries OFAC's entry number): one party, one card.
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-csl-'));
  const header = readFileSync(path.join(fixtures, 'csl', 'consolidated.csv'), 'utf8').split('\n')[0];
  const row = ['20157', 'Specially Designated Nationals (SDN) - Treasury Department', '20157',
               'Individual', 'DPRK3', '"KIM, Jong Un"'];
  while (row.length < header.split(',').length) row.push('');
  writeFileSync(path.join(dir, 'consolidated.csv'), header + '\n' + row.join(',') + '\n');
  const s = await startServer(['--lists', sampleDir, path.join(dir, 'consolidated.csv')]);
  try {
    await waitReady(s.url);
    const page = await browser.newPage({viewport: {width: 1280, height: 800}});
    await page.goto(s.url + '/#/search?q=Kim+Jong+Un');
    await page.waitForSelector('#results li.result');
    const cards = page.locator('#results li.result');
    const ids = await cards.evaluateAll((els) => els.map((e) => e.dataset.id));
    assert.equal(ids.filter((id) => id === 'us_ofac_sdn:20157' || id === 'us_csl:20157').length, 1,
                 JSON.stringify(ids));
    const first = cards.first();
    assert.equal(await first.getAttribute('data-id'), 'us_ofac_sdn:20157');
    const also = await first.locator('.also-on').textContent();
    assert.match(also, /also on/);
    assert.match(also, /us_csl:20157/);
    await page.close();
  } finally {
    s.child.removeAllListeners('exit');
    s.child.kill('SIGTERM');
  }
});
