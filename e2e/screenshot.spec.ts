// The README screenshot: the demo pair with an adapted link selected. Written to the test output on
// every run; to docs/screenshot.png only with UPDATE_SCREENSHOT=1, so test runs leave the repo clean.

import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { clickLink, link, repoRoot, reveal, waitLoaded, waitPlanned } from './support/app';

test('README screenshot of the demo pair', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await waitLoaded(page, 'source', 'source.h5');
  await waitLoaded(page, 'target', 'target.keras');
  await waitPlanned(page);
  // The cut conv4_block3 and the pruned conv4/conv5 blocks in one view.
  await reveal(page, 'conv4_block2_2_conv');
  await clickLink(page, 'conv4_block2_2_conv');
  await expect(link(page, 'conv4_block2_2_conv')).toHaveClass(/selected/);
  await expect(page.getByTestId('histogram')).toBeVisible();
  await expect(page.locator('.bars-result rect').first()).toBeAttached();
  await page.mouse.move(5, 5);
  const out = testInfo.outputPath('screenshot.png');
  await page.screenshot({ path: out });
  if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync(out, path.join(repoRoot, 'docs/screenshot.png'));
});
