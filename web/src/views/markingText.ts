// The marking view's words in the page's language: the verifier's
// explanation of a lost object (in English exactly what `verify` prints in
// the terminal, from the same fields), and an object's details.

import type { MessageKey } from '../i18n';
import type { GraphNode, HidingStore, MarkingText } from './marking';

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const BY: Record<string, MessageKey> = {
  roots: 'markByRoots',
  workers: 'markByWorkers',
  assists: 'markByAssists',
  barrier: 'markByBarrier',
  termination: 'markByTermination',
  allocation: 'markByAllocation',
};
const COLOR: Record<GraphNode['color'], MessageKey> = { white: 'markColorWhite', grey: 'markColorGrey', black: 'markColorBlack' };

/** "0xc000039300.w3" with its type "holder" → "0xc000039300 (holder).w3", as the verifier names a slot. */
export function slotText(s: Pick<HidingStore, 'slot' | 'slotType'>): string {
  return s.slotType ? s.slot.replace(/(\.w\d+)$/, ` (${s.slotType})$1`) : s.slot;
}

/** One store that hid a lost object: what follows "hidden by: " in verify's report. */
export function storeText(tr: Translate, s: HidingStore): string {
  const note = s.deleted ? tr('markStoreDeleted') : s.intoMarked ? tr('markStoreIntoMarked') : '';
  return tr('markStore', { goid: s.goid, at: s.at, slot: slotText(s), value: s.value, note });
}

/** An object's address, type, size, colour, and who shaded it (when the run recorded it). */
export function detailText(tr: Translate, n: GraphNode, lost: boolean, barrierShaded: boolean): string {
  const parts = [tr('markDetail', { id: n.id, type: n.type, size: n.size ?? '?', color: tr(COLOR[n.color]) })];
  const s = n.shadedBy;
  if (s) {
    const by = BY[s.by] ? tr(BY[s.by]!) : s.by;
    parts.push(tr('markDetailShaded', { goid: s.goid, by, p: s.p, at: s.at }));
  }
  if (barrierShaded) parts.push(tr('markDetailBarrier'));
  if (lost) parts.push(tr('markDetailLost'));
  return parts.join(' · ');
}

export type MarkingWords = Omit<MarkingText, 'roots' | 'queue' | 'summary' | 'spans'>;

export function markingText(tr: Translate): MarkingWords {
  return {
    lostTitle: (n) => tr('markLostTitle', { n }),
    lostSummary: (n) => tr('markLostSummary', { n }),
    reachedBy: tr('markReachedBy'),
    hiddenBy: tr('markHiddenBy'),
    store: (s) => storeText(tr, s),
    detail: (n, lost, shaded) => detailText(tr, n, lost, shaded),
    fullSize: tr('markFullSize'),
    closeFull: tr('markCloseFull'),
    zoomIn: tr('markZoomIn'),
    zoomOut: tr('markZoomOut'),
    objects: tr('markObjects'),
  };
}
