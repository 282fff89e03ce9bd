// What the end-to-end tests do to the app, in the user's terms: open it, give it files (picker or a
// real drop event), wait for both sides, find nodes and links.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';

export type Side = 'source' | 'target';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const DEMO = {
  source: path.join(repoRoot, 'public/demo/source.h5'),
  target: path.join(repoRoot, 'public/demo/target.keras'),
};
/** Read-only real files laid beside the clone; tests using them skip when they are absent. */
export const SHARED_APPS = path.resolve(repoRoot, '../shared/fixtures/keras-apps');
export const sharedAvailable = existsSync(SHARED_APPS);
export const shared = (name: string) => path.join(SHARED_APPS, name);

/** The app without the demo pair (the tests bring their own files). */
export async function openEmpty(page: Page): Promise<void> {
  await page.goto('/?demo=0');
  await expect(page.getByTestId('source-panel')).toBeVisible();
}

export async function pickFiles(page: Page, side: Side, files: string[]): Promise<void> {
  await page.getByTestId(`${side}-input`).setInputFiles(files);
}

/** Wait until `side` shows a model read from a file whose name starts with `fileName`. */
export async function waitLoaded(page: Page, side: Side, fileName: string): Promise<number> {
  await expect(page.getByTestId(`${side}-file`)).toContainText(fileName);
  await expect(page.getByTestId(`${side}-progress`)).toHaveCount(0, { timeout: 60_000 });
  const count = page.getByTestId(`${side}-layer-count`);
  await expect(count).toBeVisible();
  return Number(await count.getAttribute('data-count'));
}

/** Both sides loaded and the first plan drawn (every link has a status colour). */
export async function waitPlanned(page: Page): Promise<void> {
  await expect(page.getByTestId('coverage')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('[data-link-target][data-status="pending"]')).toHaveCount(0);
}

export const layerNodes = (page: Page, side: Side): Locator =>
  page.locator(`[data-testid="${side}-graph"] [data-layer]`);
export const node = (page: Page, side: Side, id: string): Locator =>
  page.locator(`[data-testid="${side}-graph"] [data-layer="${id}"]`);
export const link = (page: Page, target: string): Locator => page.locator(`[data-link-target="${target}"]`);

/**
 * Drop files the way a browser does: a `drop` event whose DataTransfer carries File objects, at a
 * point in the given half of the window.
 */
export async function dropFiles(page: Page, side: Side, files: string[]): Promise<void> {
  const payload = files.map((file) => ({
    name: path.basename(file),
    base64: readFileSync(file).toString('base64'),
  }));
  await page.evaluate(
    ({ payload, side }) => {
      const transfer = new DataTransfer();
      for (const { name, base64 } of payload) {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], name));
      }
      const x = side === 'source' ? window.innerWidth * 0.25 : window.innerWidth * 0.75;
      const y = window.innerHeight / 2;
      const init = { bubbles: true, cancelable: true, dataTransfer: transfer, clientX: x, clientY: y };
      document.body.dispatchEvent(new DragEvent('dragenter', init));
      document.body.dispatchEvent(new DragEvent('dragover', init));
      document.body.dispatchEvent(new DragEvent('drop', init));
    },
    { payload, side },
  );
}

/** Drag with the mouse from the centre of one element to the centre of another, in small steps. */
export async function dragBetween(page: Page, from: Locator, to: Locator): Promise<void> {
  await from.scrollIntoViewIfNeeded();
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('drag ends are not on screen');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 20, a.y + a.height / 2, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** Bring a layer into the middle of the graph view (search + Enter, as a user would). */
export async function reveal(page: Page, id: string): Promise<void> {
  const search = page.getByTestId('search');
  await search.fill(id);
  await search.press('Enter');
  await page.waitForTimeout(400);
  await search.fill('');
}

export async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
}

/** Click a link (a horizontal link has a zero-height box, so Playwright's visibility check would refuse it). */
export async function clickLink(page: Page, target: string): Promise<void> {
  const path = link(page, target).locator('path.hit');
  await path.scrollIntoViewIfNeeded();
  const box = await path.boundingBox();
  if (!box) throw new Error(`link ${target} is not on screen`);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}
