// The 7-day course "Go 底层机制速成作战室": the days in order. A day is `ready` when its lesson
// and exercises are written (course/dayN/); the others show in the navigation as coming.
// README.md here says how to add a day or an exercise.

import type { Day } from '../web/src/course/model';
import day1Zh from './day1/lesson.zh.md?raw';
import day1En from './day1/lesson.en.md?raw';
import { exercises as day1Exercises } from './day1/exercises';
import day2Zh from './day2/lesson.zh.md?raw';
import day2En from './day2/lesson.en.md?raw';
import { exercises as day2Exercises } from './day2/exercises';
import day3Zh from './day3/lesson.zh.md?raw';
import day3En from './day3/lesson.en.md?raw';
import { exercises as day3Exercises } from './day3/exercises';
import day4Zh from './day4/lesson.zh.md?raw';
import day4En from './day4/lesson.en.md?raw';
import { exercises as day4Exercises } from './day4/exercises';
import day5Zh from './day5/lesson.zh.md?raw';
import day5En from './day5/lesson.en.md?raw';
import { exercises as day5Exercises } from './day5/exercises';
import day6Zh from './day6/lesson.zh.md?raw';
import day6En from './day6/lesson.en.md?raw';
import { exercises as day6Exercises } from './day6/exercises';
import day7Zh from './day7/lesson.zh.md?raw';
import day7En from './day7/lesson.en.md?raw';
import { exercises as day7Exercises } from './day7/exercises';

export const days: Day[] = [
  {
    n: 1,
    title: { zh: '运行时全景', en: 'The runtime at a glance' },
    seedChapters: '1',
    status: 'ready',
    lesson: { zh: day1Zh, en: day1En },
    exercises: day1Exercises,
  },
  {
    n: 2,
    title: { zh: 'G 与 M：goroutine 和线程', en: 'G and M: goroutines and threads' },
    seedChapters: '2.1, 2.2',
    status: 'ready',
    lesson: { zh: day2Zh, en: day2En },
    exercises: day2Exercises,
  },
  {
    n: 3,
    title: { zh: 'P：运行队列、窃取与抢占', en: 'P: run queues, stealing, preemption' },
    seedChapters: '2.3, 2.4, 2.5',
    status: 'ready',
    lesson: { zh: day3Zh, en: day3En },
    exercises: day3Exercises,
  },
  {
    n: 4,
    title: { zh: '内存分配器', en: 'The allocator' },
    seedChapters: '3.1–3.3',
    status: 'ready',
    lesson: { zh: day4Zh, en: day4En },
    exercises: day4Exercises,
  },
  {
    n: 5,
    title: { zh: '三色标记与写屏障', en: 'Tri-colour marking and write barriers' },
    seedChapters: '4.1, 4.3',
    status: 'ready',
    lesson: { zh: day5Zh, en: day5En },
    exercises: day5Exercises,
  },
  {
    n: 6,
    title: { zh: 'GC 引擎：步调与辅助', en: 'The GC engine: pacing and assists' },
    seedChapters: '4.2, 4.4',
    status: 'ready',
    lesson: { zh: day6Zh, en: day6En },
    exercises: day6Exercises,
  },
  {
    n: 7,
    title: { zh: '从运行时到生产', en: 'From runtime to production' },
    seedChapters: '5',
    status: 'ready',
    lesson: { zh: day7Zh, en: day7En },
    exercises: day7Exercises,
  },
];

/** Every exercise id of the current course (progress files may hold others: see progress.ts). */
export const exerciseIds: ReadonlySet<string> = new Set(days.flatMap((d) => d.exercises.map((e) => e.id)));
