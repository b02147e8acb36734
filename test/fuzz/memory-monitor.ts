// Samples the memory of the language server and of its evaluation workers
// (the server's child processes) a few times a second, and keeps each peak
// with the step that was running when it was first seen.

import { childrenOf, memoryOf } from './proc.js';
import type { StepRef } from './step-ref.js';

export interface Peak {
  readonly kb: number;
  readonly pid: number;
  readonly at: StepRef | undefined;
}

export interface Growth {
  readonly kb: number;
  readonly at: StepRef;
}

export class MemoryMonitor {
  serverPeak: Peak | undefined;
  workerPeak: Peak | undefined;
  /** Steps after which the server's peak had grown, by how much: the inputs that cost memory. */
  readonly serverGrowth: Growth[] = [];
  private serverPid: number | undefined;
  private lastServerPeakKb = 0;
  private readonly timer: NodeJS.Timeout;
  readonly workersSeen = new Set<number>();

  constructor(
    private readonly current: () => StepRef | undefined,
    intervalMs = 200,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  watchServer(pid: number): void {
    this.serverPid = pid;
    this.lastServerPeakKb = 0;
  }

  /** The server's current workers (the server's children). */
  workers(): number[] {
    return this.serverPid === undefined ? [] : childrenOf(this.serverPid);
  }

  sample(): void {
    if (this.serverPid === undefined) return;
    const at = this.current();
    const server = memoryOf(this.serverPid);
    if (server && server.peakKb > (this.serverPeak?.kb ?? 0)) this.serverPeak = { kb: server.peakKb, pid: this.serverPid, at };
    for (const pid of this.workers()) {
      this.workersSeen.add(pid);
      const worker = memoryOf(pid);
      if (worker && worker.peakKb > (this.workerPeak?.kb ?? 0)) this.workerPeak = { kb: worker.peakKb, pid, at };
    }
  }

  /** Called at the end of each step: how much the server's peak grew during it. */
  endStep(at: StepRef): void {
    this.sample();
    if (this.serverPid === undefined) return;
    const peak = memoryOf(this.serverPid)?.peakKb ?? 0;
    if (this.lastServerPeakKb > 0 && peak > this.lastServerPeakKb) this.serverGrowth.push({ kb: peak - this.lastServerPeakKb, at });
    this.lastServerPeakKb = Math.max(this.lastServerPeakKb, peak);
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}
