// Tensors read for scoring and previews, kept up to a byte budget (least recently used leaves first).

import type { Tensor } from '../model/tensorExpr';

export class TensorCache {
  private readonly entries = new Map<string, Promise<Tensor>>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(private readonly budget: number) {}

  get(key: string, load: () => Promise<Tensor>): Promise<Tensor> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const pending = load().then((t) => {
      this.sizes.set(key, t.data.byteLength);
      this.bytes += t.data.byteLength;
      this.evict();
      return t;
    });
    pending.catch(() => this.entries.delete(key));
    this.entries.set(key, pending);
    return pending;
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.bytes <= this.budget) break;
      this.bytes -= this.sizes.get(key) ?? 0;
      this.sizes.delete(key);
      this.entries.delete(key);
    }
  }

  clear(): void {
    this.entries.clear();
    this.sizes.clear();
    this.bytes = 0;
  }
}
