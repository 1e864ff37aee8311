import type { INestApplication } from '@nestjs/common';
import { expectNoSeriousA11yViolations, launchChromium, signInOnPage, startServiceProcess, TestContext, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';

startTelemetry({ serviceName: 'edge' });

/** services/web's build; ONAIR_TEST_WEB_ROOT points at another (one built elsewhere). */
const WEB_ROOT = process.env.ONAIR_TEST_WEB_ROOT ?? join(__dirname, '..', '..', '..', 'web', 'dist');
const SCREENSHOTS = join(__dirname, '..', '..', '..', '..', '.onair', 'test-output', 'profiles.chromium');
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };

// Profiles and circles in headless Chromium, through the edge, in front of real identity and
// social-graph, under the edge's CSP: ann edits her profile and picture, bob follows her from
// /u/<ann>, ann puts bob in a circle and takes him out, bob blocks ann.
describe('profiles and circles in the web client, in Chromium', () => {
  const ctx = TestContext.create('edge_web_profiles');
  let app: INestApplication;
  let base: string;
  let ann: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  afterAll(async () => {
    await ctx.cleanup();
    await app?.close();
  });

  beforeAll(async () => {
    const identity = await ctx.startIdentity();
    const graph = await startServiceProcess(ctx, 'social-graph', { AUTH_JWKS_URL: identity.jwksUrl, KAFKA_TOPIC_PARTITIONS: '2' });
    app = await createEdgeApp(
      loadConfig({
        LOG_LEVEL: 'error',
        EDGE_SERVICES: `identity=${identity.url},social-graph=${graph.url}`,
        EDGE_ROUTES: '/v1/accounts=identity,/v1/sessions=identity,/v1/users=identity,/v1/graph=social-graph',
        EDGE_WEB_ROOT: WEB_ROOT,
      }),
    );
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    [ann, bob, carol] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser()]);
  }, 180_000);

  /** A fresh page that records script errors and CSP violations (Chromium reports those on the console). */
  async function signedInPage(person: TestUser, viewport = DESKTOP) {
    const page = await (await (await launchChromium(ctx)).newContext({ viewport })).newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && problems.push(m.text()));
    await page.goto(`${base}/signin`);
    await signInOnPage(page, person);
    await page.waitForSelector(`#signed-in-as:text("@${person.handle}")`);
    return { page, problems };
  }

  const profileOf = async (handle: string) => (await fetch(`${base}/v1/users/${handle}`)).json();

  it('ann edits her name, bio and picture on /me; the limits and a refused file are shown in words', async () => {
    const { page, problems } = await signedInPage(ann);
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('textbox', { name: 'Display name' }).fill('Ann Example');
    await page.getByRole('textbox', { name: 'Bio' }).fill('Sunsets, harbours and the odd seagull.');
    expect(await page.textContent('#bio-count')).toBe('38 of 160 characters');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.waitForSelector('#profile-status:text("Profile saved.")');

    // A file identity would refuse never leaves the browser; the words say which files do.
    await page.setInputFiles('#avatar-file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
    await page.waitForSelector('#avatar-status:text("Choose a PNG, JPEG or WebP image.")');
    expect(await page.isDisabled('#avatar-upload')).toBe(true);

    await page.setInputFiles('#avatar-file', { name: 'ann.png', mimeType: 'image/png', buffer: solidPng(16, [0xe8, 0x4a, 0x2f]) });
    await page.waitForSelector('.avatar-picker img.avatar[src^="blob:"]');
    await page.getByRole('button', { name: 'Upload picture' }).click();
    await page.waitForSelector('#avatar-status:text("Picture saved.")');
    await page.waitForSelector(`.avatar-picker img.avatar[src^="/v1/users/${ann.handle}/avatar"]`);
    // The saved image itself, loaded back from identity through the edge (img-src 'self').
    await page.waitForFunction(() => (globalThis as unknown as ImageGlobals).document.querySelector('.avatar-picker img')?.naturalWidth === 16);

    expect(await profileOf(ann.handle)).toMatchObject({
      displayName: 'Ann Example',
      bio: 'Sunsets, harbours and the odd seagull.',
      avatarUrl: `/v1/users/${ann.handle}/avatar`,
    });
    expect(problems).toEqual([]);
  }, 60_000);

  it('bob sees ann on /u/<handle> and follows her; his own handle goes to /me', async () => {
    const { page, problems } = await signedInPage(bob);
    await page.goto(`${base}/u/${ann.handle}`);
    await page.waitForSelector('#profile-name:text("Ann Example")');
    expect(await page.textContent('.profile-handle')).toBe(`@${ann.handle}`);
    await page.waitForSelector('#followers-count:text("0")');
    await page.getByRole('button', { name: `Follow @${ann.handle}` }).click();
    await page.waitForSelector(`#relationship-status:text("You follow @${ann.handle}.")`);
    await page.getByRole('button', { name: `Unfollow @${ann.handle}` }).waitFor();
    await page.waitForSelector('#followers-count:text("1")');

    await page.goto(`${base}/u/${bob.handle}`);
    await page.waitForURL(`${base}/me`);
    await page.waitForSelector('#display-name');
    expect(problems).toEqual([]);
  }, 60_000);

  it('ann creates a circle, cannot add a non-follower, adds bob by handle, renames it, removes him, deletes it', async () => {
    const { page, problems } = await signedInPage(ann);
    await page.getByRole('link', { name: 'Circles' }).click();
    await page.waitForSelector('#circles-none');
    await page.getByRole('textbox', { name: 'Name' }).fill('Close friends');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForSelector('#circle-members-heading:text("Members of Close friends")');
    await page.waitForSelector('#members-none');

    const addByHandle = async (handle: string) => {
      await page.getByRole('textbox', { name: 'Add a follower by handle' }).fill(`@${handle}`);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
    };
    await addByHandle(carol.handle);
    await page.waitForSelector('#members-status[role="alert"]:text("This person does not follow you. Only your followers can be in your circles.")');
    await addByHandle('nobody_here_x');
    await page.waitForSelector('#members-status:text("Nobody on OnAir has that handle.")');

    await addByHandle(bob.handle);
    await page.waitForSelector(`#members-status:text("@${bob.handle} is in Close friends now.")`);
    await page.waitForSelector(`#member-list a:text("@${bob.handle}")`);
    await page.waitForSelector('#circle-list .circle-row:has-text("1 member")');
    await expectNoSeriousA11yViolations(page, 'circles');

    await page.getByRole('button', { name: 'Rename Close friends' }).click();
    await page.getByRole('textbox', { name: 'New name for Close friends' }).fill('Best friends');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#circle-list .circle-name:text("Best friends")');
    await page.waitForSelector('#circle-members-heading:text("Members of Best friends")');

    await page.getByRole('button', { name: `Remove @${bob.handle} from Best friends` }).click();
    await page.waitForSelector('#members-none');
    await page.waitForSelector('#circle-list .circle-row:has-text("0 members")');

    // Delete asks first; Cancel keeps it, the keyboard reaches both choices.
    await page.getByRole('button', { name: 'Delete Best friends' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Delete Best friends' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Yes, delete Best friends' }).click();
    await page.waitForSelector('#circles-none');
    expect(problems).toEqual([]);
  }, 60_000);

  it('names circle members this browser has never seen by their handle (identity looks their ids up)', async () => {
    const dave = await ctx.newUser();
    const post = (path: string, who: TestUser, body?: unknown) =>
      fetch(`${base}${path}`, { method: body === undefined ? 'PUT' : 'POST', headers: { ...who.authHeader, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect((await post(`/v1/graph/follows/${ann.id}`, dave, {})).status).toBeLessThan(300);
    const circle = (await (await post('/v1/graph/circles', ann, { name: 'Harbour crew' })).json()) as { id: string };
    expect((await post(`/v1/graph/circles/${circle.id}/members/${dave.id}`, ann)).status).toBeLessThan(300);

    // A fresh browser: nothing remembered, dave's id is all social-graph gives.
    const { page, problems } = await signedInPage(ann);
    await page.goto(`${base}/circles`);
    await page.getByRole('button', { name: 'Open Harbour crew' }).click();
    await page.waitForSelector(`#member-list a[href="/u/${dave.handle}"]:text("@${dave.handle}")`);
    await page.getByRole('button', { name: `Remove @${dave.handle} from Harbour crew` }).waitFor();
    expect(problems).toEqual([]);
  }, 60_000);

  it('bob blocks ann after confirming: the follow ends, Unblock is offered', async () => {
    const { page, problems } = await signedInPage(bob);
    await page.goto(`${base}/u/${ann.handle}`);
    await page.getByRole('button', { name: `Unfollow @${ann.handle}` }).waitFor();
    await page.getByRole('button', { name: `Block @${ann.handle}` }).click();
    await page.getByRole('group', { name: new RegExp(`^Block @${ann.handle}\\?`) }).waitFor();
    await page.getByRole('button', { name: 'Yes, block' }).click();
    await page.waitForSelector(`#relationship-status:text("You blocked @${ann.handle}.")`);
    await page.getByRole('button', { name: `Unblock @${ann.handle}` }).waitFor();
    expect(await page.getByRole('button', { name: `Follow @${ann.handle}` }).isDisabled()).toBe(true);

    const blocks = (await (await fetch(`${base}/v1/graph/blocks`, { headers: bob.authHeader })).json()) as { items: Array<{ accountId: string }> };
    expect(blocks.items.map((b) => b.accountId)).toEqual([ann.id]);
    expect(problems).toEqual([]);
  }, 60_000);

  it.each([
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ])('lays /me and /u/<handle> out on a %s (screenshots)', async (name, viewport) => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const own = await signedInPage(ann, viewport);
    await own.page.goto(`${base}/me`);
    await own.page.waitForSelector(`.avatar-picker img.avatar[src^="/v1/users/${ann.handle}/avatar"]`);
    await own.page.screenshot({ path: join(SCREENSHOTS, `me-${name}.png`), fullPage: true });
    await expectNoSeriousA11yViolations(own.page, `me-${name}`);
    expect(await own.page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);

    const other = await signedInPage(carol, viewport);
    await other.page.goto(`${base}/u/${ann.handle}`);
    await other.page.waitForSelector('#followers-count');
    await other.page.waitForSelector('.profile-card img.avatar');
    await other.page.screenshot({ path: join(SCREENSHOTS, `user-${name}.png`), fullPage: true });
    await expectNoSeriousA11yViolations(other.page, `user-${name}`);
    expect(await other.page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    expect([...own.problems, ...other.problems]).toEqual([]);
  }, 60_000);
});

/** What a function run in the page reads there (the test is typed for Node, not the DOM). */
interface ImageGlobals {
  document: { querySelector(selector: string): { naturalWidth: number } | null };
}

/** A `size`×`size` PNG of one colour: a real image made here, so the test needs no fixture file. */
function solidPng(size: number, [r, g, b]: number[]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => [r, g, b]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}
