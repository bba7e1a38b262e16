/** The shape of bench/results.json: every goal as a ratio with its absolute figures alongside. */
import type { MachineInfo } from './machine.js';

export interface Goal {
  /** Stable key, e.g. `efficiency.demo`. */
  id: string;
  /** Which of the seven benchmarks (issue 7) it belongs to. */
  section: string;
  title: string;
  model: string | null;
  /** The figure compared with the goal (a ratio where the goal is a ratio). */
  value: number | null;
  unit: string;
  /** The goal as text, e.g. `>= 0.95`. */
  goal: string;
  met: boolean | null;
  /** The absolute figures behind the ratio, as text. */
  absolute: string;
  note?: string;
}

export interface Results {
  command: string;
  date: string;
  machine: MachineInfo;
  loadAverage: { start: number[]; end: number[] };
  warnings: string[];
  quick: boolean;
  durationS: number;
  models: Record<string, { label: string; path: string; input: string; output: string } | null>;
  goals: Goal[];
  /** Every measured figure, per scenario. */
  scenarios: Record<string, unknown>;
}

/** What a scenario returns: its goals and its raw figures. */
export interface ScenarioResult {
  goals: Goal[];
  data: unknown;
  warnings?: string[];
}

export const atLeast = (v: number, goal: number): boolean => v >= goal;
export const atMost = (v: number, goal: number): boolean => v <= goal;
