export function xtermWidthRanges(): { zero: Array<[number, number]>; wide: Array<[number, number]> };
