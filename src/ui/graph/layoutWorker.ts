// Runs the diff-view layout off the main thread: a model of a thousand layers re-lays out on every
// mapping edit, and the page must keep responding meanwhile.

import * as Comlink from 'comlink';
import { layoutPair } from './layoutPair';

export const layoutApi = { layoutPair };
export type LayoutApi = typeof layoutApi;

Comlink.expose(layoutApi);
