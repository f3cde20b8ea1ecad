import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { findOutsideReferences } from '../../scripts/checks/selfContained.mjs';

type Found = { line: number; why: string }[];
const lines = (text: string) => (findOutsideReferences(text) as Found).map((f) => f.line);

describe('the self-contained check', () => {
  it('finds each kind of reference outside the repository', () => {
    expect(lines('get_filename_component(D "${PROJECT_SOURCE_DIR}/../shared" ABSOLUTE)')).toEqual([1]);
    expect(lines('x\n// as in shared/reference/go-sizeclasses.tsv')).toEqual([2]);
    expect(lines('see shared/COURSE.md')).toEqual([1]);
    expect(lines('std::string(RTLAB_SHARED_DIR) + "/x"')).toEqual([1]);
    expect(lines("(see `shared`'s COURSE.md)")).toEqual([1]);
    expect(lines('cat /work/main/x')).toEqual([1]);
    expect(lines('include(${CMAKE_SOURCE_DIR}/../other/x.cmake)')).toEqual([1]);
  });

  it('lets paths inside the repository and ordinary words through', () => {
    expect(lines('std::shared_ptr<int> p; SharedArrayBuffer; shared memory')).toEqual([]);
    expect(lines('${PROJECT_SOURCE_DIR}/tests/fixtures')).toEqual([]);
    expect(lines('a cache line shared by two Ps')).toEqual([]);
  });
});
