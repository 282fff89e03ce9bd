import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
  DEMO,
  dropFiles,
  layerNodes,
  openEmpty,
  pickFiles,
  shared,
  SHARED_APPS,
  sharedAvailable,
  shot,
  waitLoaded,
  waitPlanned,
} from './support/app';

test('loads both demo files through the pickers and draws every layer', async ({ page }, testInfo) => {
  await openEmpty(page);
  await pickFiles(page, 'source', [DEMO.source]);
  await pickFiles(page, 'target', [DEMO.target]);
  const sourceCount = await waitLoaded(page, 'source', 'source.h5');
  const targetCount = await waitLoaded(page, 'target', 'target.keras');
  expect(sourceCount).toBeGreaterThan(50);
  expect(targetCount).toBeGreaterThan(20);
  await expect(layerNodes(page, 'source')).toHaveCount(sourceCount);
  await expect(layerNodes(page, 'target')).toHaveCount(targetCount);
  await waitPlanned(page);
  expect(await page.locator('[data-link-target]').count()).toBeGreaterThan(10);
  await shot(page, testInfo, 'demo-loaded');
});

test('opens the demo pair by itself on a first visit', async ({ page }) => {
  await page.goto('/');
  await waitLoaded(page, 'source', 'source.h5');
  await waitLoaded(page, 'target', 'target.keras');
  await waitPlanned(page);
});

test.describe('shared keras-apps fixtures', () => {
  test.skip(!sharedAvailable, '../shared/fixtures is not beside this clone');

  test('a drop on each half loads that side; a .json next to a weights file is its architecture', async ({
    page,
  }, testInfo) => {
    await openEmpty(page);
    await dropFiles(page, 'source', [shared('resmini_source.h5'), shared('resmini_source.json')]);
    await expect(page.getByTestId('notice')).toContainText(
      'resmini_source.h5 + resmini_source.json → source',
    );
    await dropFiles(page, 'target', [
      shared('resmini_conv4x2_target.weights.h5'),
      shared('resmini_conv4x2_target.json'),
    ]);
    // MANIFEST.md: 125 and 105 layers.
    expect(await waitLoaded(page, 'source', 'resmini_source.h5')).toBe(125);
    expect(await waitLoaded(page, 'target', 'resmini_conv4x2_target.weights.h5')).toBe(105);
    await expect(layerNodes(page, 'source')).toHaveCount(125);
    await expect(layerNodes(page, 'target')).toHaveCount(105);
    await waitPlanned(page);
    // The two cut blocks show up as a gap band on the target side.
    await expect(page.locator('[data-band]').first()).toBeVisible();
    await shot(page, testInfo, 'resmini-dropped');
  });

  test('hides weightless layers and collapses nothing else', async ({ page }) => {
    await openEmpty(page);
    await pickFiles(page, 'source', [shared('vggmini_source.h5')]);
    await pickFiles(page, 'target', [shared('vggmini_noblock4_target.h5')]);
    expect(await waitLoaded(page, 'source', 'vggmini_source.h5')).toBe(23);
    expect(await waitLoaded(page, 'target', 'vggmini_noblock4_target.h5')).toBe(19);
    await page.getByTestId('hide-weightless').check();
    // MANIFEST.md: 16 and 13 weighted layers.
    await expect(layerNodes(page, 'source')).toHaveCount(16);
    await expect(layerNodes(page, 'target')).toHaveCount(13);
    await page.getByTestId('hide-weightless').uncheck();
    await expect(layerNodes(page, 'source')).toHaveCount(23);
  });
});

test('a text file and a PNG show an alert on their side; the other side and the app keep working', async ({
  page,
}, testInfo) => {
  const text = testInfo.outputPath('notes.h5');
  writeFileSync(text, 'these are my notes, not a model\n'.repeat(20));
  const png = testInfo.outputPath('picture.h5');
  writeFileSync(png, Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));

  await openEmpty(page);
  await pickFiles(page, 'source', [DEMO.source]);
  await waitLoaded(page, 'source', 'source.h5');
  await pickFiles(page, 'target', [text]);
  const alert = page.getByTestId('target-error');
  await expect(alert).toHaveAttribute('role', 'alert');
  await expect(alert).toContainText(/text file/i);
  await shot(page, testInfo, 'text-file-alert');

  await dropFiles(page, 'target', [png]);
  await expect(alert).toContainText(/PNG/);
  // The source side is untouched and a good target still loads.
  await expect(page.getByTestId('source-error')).toHaveCount(0);
  await expect(layerNodes(page, 'source')).not.toHaveCount(0);
  await pickFiles(page, 'target', [DEMO.target]);
  await waitLoaded(page, 'target', 'target.keras');
  await expect(page.getByTestId('target-error')).toHaveCount(0);
  await waitPlanned(page);
});

test('swap sides exchanges the two models', async ({ page }) => {
  await openEmpty(page);
  await pickFiles(page, 'source', [DEMO.target]);
  await pickFiles(page, 'target', [DEMO.source]);
  const wrongSource = await waitLoaded(page, 'source', 'target.keras');
  const wrongTarget = await waitLoaded(page, 'target', 'source.h5');
  await page.getByTestId('swap-sides').click();
  await expect(page.getByTestId('source-file')).toContainText('source.h5');
  await expect(page.getByTestId('target-file')).toContainText('target.keras');
  await expect(layerNodes(page, 'source')).toHaveCount(wrongTarget);
  await expect(layerNodes(page, 'target')).toHaveCount(wrongSource);
  await waitPlanned(page);
});

test.describe('real files (shared fixture)', () => {
  const fruit = path.resolve(SHARED_APPS, '../real/fruit-classifier__model_mobilenet.h5');
  test.skip(!existsSync(fruit), '../shared/fixtures/real is not beside this clone');

  test('a nested model collapses into one node and opens again', async ({ page }, testInfo) => {
    await openEmpty(page);
    await pickFiles(page, 'source', [fruit]);
    const count = await waitLoaded(page, 'source', 'fruit-classifier__model_mobilenet.h5');
    await expect(layerNodes(page, 'source')).toHaveCount(count);
    const toggle = page.locator('[data-testid="source-graph"] [data-collapse-toggle="mobilenetv2_0.35_224"]');
    await toggle.click();
    // MANIFEST.md: a Sequential of 4 top-level layers around the nested MobileNetV2.
    await expect(layerNodes(page, 'source')).toHaveCount(4);
    await shot(page, testInfo, 'nested-collapsed');
    await page.locator('[data-testid="source-graph"] [data-collapse-toggle="mobilenetv2_0.35_224"]').click();
    await expect(layerNodes(page, 'source')).toHaveCount(count);
  });
});
