import type { Terminal } from '@xterm/xterm';
import type { CoursePanel } from './course/panel';
import type { LabClient } from './lab/client';
import type { Layout } from './layout';
import type { RanCommand } from './share';
import type { BuildInfo } from './lab/protocol';
import type { LineEditor } from './terminal/lineEditor';
import type { LabShell } from './terminal/shell';
import type { MarkingView } from './views/marking';
import type { MetricsView } from './views/metrics';
import type { SchedViews } from './views/schedViews';

declare global {
  interface Window {
    /** Test and console hook (see main.ts). */
    __rtlab?: {
      term: Terminal;
      lab: LabClient;
      ready: Promise<BuildInfo>;
      shell: LabShell;
      editor: LineEditor;
      views: SchedViews | undefined;
      marking: MarkingView | undefined;
      metrics: MetricsView | undefined;
      course: CoursePanel;
      layout: Layout;
      /** The commands typed or clicked, in order, with whether the lab accepted them (share links). */
      ranCommands: RanCommand[];
    };
  }
}
