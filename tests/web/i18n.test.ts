import { describe, expect, it } from 'vitest';
import { MESSAGES, detectLanguage, t } from '../../web/src/i18n';
import { bannerLines } from '../../web/src/banner';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n', () => {
  it('has the same keys in both languages', () => {
    expect(Object.keys(MESSAGES.zh).sort()).toEqual(Object.keys(MESSAGES.en).sort());
  });

  it('has no empty strings and the same placeholders in both languages', () => {
    for (const key of Object.keys(MESSAGES.en) as Array<keyof typeof MESSAGES.en>) {
      expect(MESSAGES.en[key].trim(), key).not.toBe('');
      expect(MESSAGES.zh[key].trim(), key).not.toBe('');
      expect(placeholders(MESSAGES.zh[key]), key).toEqual(placeholders(MESSAGES.en[key]));
    }
  });

  it('carries the course title in both languages', () => {
    expect(t('zh', 'courseTitle')).toBe('Go 底层机制速成作战室');
    expect(t('en', 'courseTitle')).toBe('Go Runtime Internals Crash Course');
  });

  it('fills placeholders', () => {
    expect(t('en', 'dayLabel', { n: 3 })).toBe('Day 3');
    expect(t('zh', 'dayLabel', { n: 3 })).toBe('第 3 天');
    expect(t('en', 'dayLabel')).toBe('Day {n}'); // missing parameter stays visible
  });

  it('picks the language: ?lang=, then storage, then the browser', () => {
    expect(detectLanguage({ search: '?lang=zh', stored: 'en', navigatorLanguage: 'en-US' })).toBe('zh');
    expect(detectLanguage({ search: '?lang=en', stored: 'zh', navigatorLanguage: 'zh-CN' })).toBe('en');
    expect(detectLanguage({ search: '?lang=fr', stored: 'zh', navigatorLanguage: 'en' })).toBe('zh');
    expect(detectLanguage({ search: '', stored: null, navigatorLanguage: 'zh-TW' })).toBe('zh');
    expect(detectLanguage({ search: '', stored: 'garbage', navigatorLanguage: 'de-DE' })).toBe('en');
    expect(detectLanguage({})).toBe('en');
  });
});

describe('banner', () => {
  it('names the mode in English in both languages', () => {
    for (const lang of ['en', 'zh'] as const) {
      const threads = bannerLines({ version: '0.1.0', threads: true, workers: 5 }, lang);
      expect(threads[0]).toBe('Go Runtime Lab 0.1.0 — threads (5 workers)');
      const single = bannerLines({ version: '0.1.0', threads: false, workers: 0 }, lang);
      expect(single[0]).toBe(
        'Go Runtime Lab 0.1.0 — single-threaded (this page is not cross-origin isolated)',
      );
      expect(single.join('\n')).toContain('help');
    }
  });
});
