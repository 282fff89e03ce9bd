// Per-link adapter choices. "default" means the mapping-wide rule applies (shown in brackets).

import type { AdapterChoice, Link, Mapping } from '../../model';
import { useMappingStore } from '../../state/mappingStore';

const SELECT = ['l1', 'l2', 'bn-gamma', 'first', 'uniform'] as const;
const GROW = ['zeros', 'target', 'replicate'] as const;
const SPATIAL = ['center', 'corner'] as const;
const HEAD = ['first', 'target'] as const;

interface ChoiceProps<K extends keyof AdapterChoice> {
  field: K;
  label: string;
  options: readonly string[];
  fallback: string;
  link: Link;
  help: string;
}

function Choice<K extends keyof AdapterChoice>({
  field,
  label,
  options,
  fallback,
  link,
  help,
}: ChoiceProps<K>) {
  const value = link.adapter?.[field];
  return (
    <label className="choice" title={help}>
      <span>{label}</span>
      <select
        data-testid={`adapter-${field}`}
        value={value === undefined ? '' : String(value)}
        onChange={(e) => {
          const next: AdapterChoice = { ...(link.adapter ?? {}) };
          if (e.target.value === '') delete next[field];
          else (next as Record<string, unknown>)[field] = e.target.value;
          useMappingStore.getState().apply({ kind: 'set-adapter', target: link.target, adapter: next });
        }}
      >
        <option value="">default ({fallback})</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}

export function AdapterForm({ link, defaults }: { link: Link; defaults: Mapping['defaults'] }) {
  return (
    <div className="adapter-form">
      <Choice
        field="select"
        label="keep channels by"
        options={SELECT}
        fallback={defaults.select}
        link={link}
        help="which channels a shrunken axis keeps"
      />
      <Choice
        field="grow"
        label="fill new channels with"
        options={GROW}
        fallback={defaults.grow}
        link={link}
        help="what a grown axis gets where the source has nothing"
      />
      <Choice
        field="head"
        label="class head"
        options={HEAD}
        fallback="target"
        link={link}
        help="a classifier with a different number of classes: take the first k, or keep the target's own"
      />
      <Choice
        field="spatial"
        label="kernel size change"
        options={SPATIAL}
        fallback="center"
        link={link}
        help="crop/pad the kernel around its centre, or take the top-left corner"
      />
    </div>
  );
}
