import { describe, expect, it } from 'vitest';
import { experimentCommands, renderLesson } from '../../web/src/course/markdown';

describe('lesson rendering', () => {
  it('never lets course text become markup or script', () => {
    const { html } = renderLesson('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))', 1);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('&lt;script&gt;');
  });

  it('highlights Go and opens outside links in a new tab', () => {
    const { html } = renderLesson('[proc.go](https://go.dev/src/runtime/proc.go)\n\n```go\nfunc runqput() {}\n```', 1);
    expect(html).toContain('target="_blank"');
    expect(html).toContain('rel="noopener noreferrer"');
    expect(html).toContain('<span class="hljs-keyword">func</span>');
  });

  it('turns rtlab blocks into numbered experiments', () => {
    const { html, experiments } = renderLesson('```rtlab\nrun skynet --engine sim\n# a comment\n\nps\n```\n\ntext\n\n```rtlab\ngs\n```', 3);
    expect(experiments).toEqual([
      { id: 'd3-e1', commands: ['run skynet --engine sim', 'ps'] },
      { id: 'd3-e2', commands: ['gs'] },
    ]);
    expect(html).toContain('data-experiment="d3-e1"');
    expect(html.match(/class="run-experiment"/g)).toHaveLength(2);
  });

  it('escapes commands inside experiments', () => {
    const { html } = renderLesson('```rtlab\nrun --file "<b>x</b>"\n```', 1);
    expect(html).toContain('&lt;b&gt;');
    expect(experimentCommands(' a \n\n#x\n b')).toEqual(['a', 'b']);
  });
});
