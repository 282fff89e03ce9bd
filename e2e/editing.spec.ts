import { expect, test, type Page } from '@playwright/test';
import {
  DEMO,
  clickLink,
  dragBetween,
  link,
  node,
  openEmpty,
  pickFiles,
  reveal,
  shot,
  waitLoaded,
  waitPlanned,
} from './support/app';

async function openDemo(page: Page): Promise<void> {
  await openEmpty(page);
  await pickFiles(page, 'source', [DEMO.source]);
  await pickFiles(page, 'target', [DEMO.target]);
  await waitLoaded(page, 'source', 'source.h5');
  await waitLoaded(page, 'target', 'target.keras');
  await waitPlanned(page);
}

test.beforeEach(async ({ page }) => {
  // Each test starts from the matcher's mapping, not from what an earlier test stored.
  await page.goto('/?demo=0');
  await page.evaluate(() => localStorage.clear());
});

test('select a link and press Delete to cut it; drag a source layer onto a target layer to link them', async ({
  page,
}, testInfo) => {
  await openDemo(page);
  await expect(link(page, 'conv1_conv')).toHaveAttribute('data-link-source', 'conv1_conv');
  await clickLink(page, 'conv1_conv');
  await expect(page.getByTestId('inspector-target')).toContainText('conv1_conv');
  await page.keyboard.press('Delete');
  await expect(link(page, 'conv1_conv')).toHaveCount(0);
  await expect(node(page, 'target', 'conv1_conv')).toHaveClass(/unmatched/);

  await dragBetween(
    page,
    node(page, 'source', 'conv1_conv').locator('text.name'),
    node(page, 'target', 'conv1_conv').locator('text.name'),
  );
  await expect(link(page, 'conv1_conv')).toHaveAttribute('data-link-source', 'conv1_conv');
  await expect(link(page, 'conv1_conv')).toHaveAttribute('data-status', 'exact');
  await expect(link(page, 'conv1_conv')).toHaveClass(/manual/);
  await shot(page, testInfo, 'relinked');
});

test('a link no adapter can fit is refused with the reason, and nothing changes', async ({
  page,
}, testInfo) => {
  await openDemo(page);
  // Batch-norm vectors cannot become a 7x7 convolution kernel.
  await dragBetween(
    page,
    node(page, 'source', 'conv1_bn').locator('text.name'),
    node(page, 'target', 'conv1_conv').locator('text.name'),
  );
  await expect(page.getByTestId('link-refused')).toContainText(/^no adapter fits: .*the ranks differ/);
  await shot(page, testInfo, 'refused');
  await expect(link(page, 'conv1_conv')).toHaveAttribute('data-link-source', 'conv1_conv');
  await expect(link(page, 'conv1_bn')).toHaveAttribute('data-link-source', 'conv1_bn');
  await expect(page.getByTestId('undo')).toBeDisabled();
});

test('dragging a link end away cuts it; undo and redo by button and keyboard', async ({ page }) => {
  await openDemo(page);
  const handle = link(page, 'conv1_bn').locator('circle.handle');
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  // Into the empty middle, below the links: no layer there.
  await page.mouse.move(box.x - 80, box.y + 8, { steps: 10 });
  await page.mouse.up();
  await expect(link(page, 'conv1_bn')).toHaveCount(0);

  await page.getByTestId('undo').click();
  await expect(link(page, 'conv1_bn')).toHaveAttribute('data-link-source', 'conv1_bn');
  await page.getByTestId('redo').click();
  await expect(link(page, 'conv1_bn')).toHaveCount(0);
  await page.locator('body').press('Control+z');
  await expect(link(page, 'conv1_bn')).toHaveCount(1);
  await page.locator('body').press('Control+Shift+Z');
  await expect(link(page, 'conv1_bn')).toHaveCount(0);
  // A new edit after an undo clears the redo stack.
  await page.locator('body').press('Control+z');
  await clickLink(page, 'conv1_conv');
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('redo')).toBeDisabled();
  await expect(link(page, 'conv1_bn')).toHaveCount(1);
});

test('shift-click a range of source layers and cut it; the cut is one undo step', async ({
  page,
}, testInfo) => {
  await openDemo(page);
  await reveal(page, 'conv3_block2_1_conv');
  const range = ['conv3_block2_1_conv', 'conv3_block2_1_bn', 'conv3_block2_2_conv', 'conv3_block2_2_bn'];
  await node(page, 'source', range[0]).locator('text.name').click();
  await node(page, 'source', range[3])
    .locator('text.name')
    .click({ modifiers: ['Shift'] });
  await expect(node(page, 'source', range[1])).toHaveClass(/in-range/);
  await expect(page.getByTestId('cut-range')).toContainText('conv3_block2_1_conv … conv3_block2_2_bn');
  const cutsBefore = await page.locator('[data-band="cut"]').count();
  await page.getByTestId('cut-range').click();
  for (const id of range) {
    await expect(node(page, 'source', id)).toHaveClass(/in-cut/);
    await expect(page.locator(`[data-link-source="${id}"]`)).toHaveCount(0);
  }
  await expect(page.locator('[data-band="cut"]')).toHaveCount(cutsBefore + 1);
  await waitPlanned(page);
  await shot(page, testInfo, 'range-cut');

  await page.getByTestId('undo').click();
  for (const id of range) await expect(page.locator(`[data-link-source="${id}"]`)).toHaveCount(1);
  await expect(node(page, 'source', range[0])).not.toHaveClass(/in-cut/);
});

test('a reload keeps the edited mapping for the same pair of files', async ({ page }) => {
  await openDemo(page);
  await clickLink(page, 'conv1_conv');
  await page.keyboard.press('Delete');
  await expect(link(page, 'conv1_conv')).toHaveCount(0);
  await page.reload();
  await pickFiles(page, 'source', [DEMO.source]);
  await pickFiles(page, 'target', [DEMO.target]);
  await waitLoaded(page, 'target', 'target.keras');
  await waitPlanned(page);
  await expect(link(page, 'conv1_bn')).toHaveCount(1);
  await expect(link(page, 'conv1_conv')).toHaveCount(0);
  await expect(node(page, 'target', 'conv1_conv')).toHaveClass(/unmatched/);
});

test('shift-drag over the source column brushes a range of source layers', async ({ page }, testInfo) => {
  await openDemo(page);
  const first = node(page, 'source', 'conv2_block1_1_conv').locator('rect.box');
  const last = node(page, 'source', 'conv2_block1_2_bn').locator('rect.box');
  const graph = (await page.getByTestId('source-graph').boundingBox())!;
  const a = (await first.boundingBox())!;
  const b = (await last.boundingBox())!;
  // Left of the lanes: empty canvas inside the source column.
  const x = graph.x - 5;
  await page.keyboard.down('Shift');
  await page.mouse.move(x, a.y + 2);
  await page.mouse.down();
  await page.mouse.move(x, b.y + b.height - 2, { steps: 8 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  for (const id of [
    'conv2_block1_1_conv',
    'conv2_block1_1_bn',
    'conv2_block1_1_relu',
    'conv2_block1_2_conv',
    'conv2_block1_2_bn',
  ]) {
    await expect(node(page, 'source', id)).toHaveClass(/in-range/);
  }
  await expect(node(page, 'source', 'conv1_bn')).not.toHaveClass(/in-range/);
  await expect(page.getByTestId('cut-range')).toContainText('conv2_block1_1_conv … conv2_block1_2_bn');
  await expect(page.getByTestId('cut-range')).toBeEnabled();
  await shot(page, testInfo, 'brushed');
});

test('auto-align re-runs the matcher but keeps manual links and the links the user cut', async ({ page }) => {
  await openDemo(page);
  await clickLink(page, 'conv2_block1_1_conv');
  await page.keyboard.press('Delete');
  await clickLink(page, 'conv1_conv');
  await page.keyboard.press('Delete');
  await dragBetween(
    page,
    node(page, 'source', 'conv1_conv').locator('text.name'),
    node(page, 'target', 'conv1_conv').locator('text.name'),
  );
  await expect(link(page, 'conv1_conv')).toHaveClass(/manual/);
  const links = await page.locator('[data-link-target]').count();

  await page.getByTestId('auto-align').click();
  await expect(page.getByTestId('auto-align')).toBeEnabled();
  await waitPlanned(page);
  await expect(link(page, 'conv1_conv')).toHaveClass(/manual/);
  await expect(link(page, 'conv2_block1_1_conv')).toHaveCount(0);
  await expect(page.locator('[data-link-target]')).toHaveCount(links);
});
