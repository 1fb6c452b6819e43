/**
 * Reading `/proc/<pid>/stat`: a process's state and its start time (field 22, clock ticks since
 * boot). pid + start time names one process for the life of the machine, so a record that
 * outlives the agent cannot be mistaken for an unrelated process that got the same pid later.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** The fields of `/proc/<pid>/stat` the process driver uses. */
export interface ProcStat {
  pid: number;
  /** Executable name, as the kernel truncates it (15 chars). */
  comm: string;
  /** One-letter state: R, S, D, Z (zombie), X (dead), T, ... */
  state: string;
  ppid: number;
  pgrp: number;
  /** Field 22: start time in clock ticks since boot. */
  startTime: number;
}

/** Parses the text of `/proc/<pid>/stat`; undefined when it is not in that format. */
export function parseProcStat(text: string): ProcStat | undefined {
  // comm may hold spaces and ')' itself, so it ends at the LAST ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // After ") " come fields 3.. (state is field 3), so field n sits at index n - 3.
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const state = rest[0];
  const ppid = Number(rest[1]);
  const pgrp = Number(rest[2]);
  const startTime = Number(rest[22 - 3]);
  if (!Number.isInteger(pid) || pid <= 0 || state === undefined || !/^[A-Za-z]$/.test(state)) {
    return undefined;
  }
  if (![ppid, pgrp, startTime].every((n) => Number.isInteger(n) && n >= 0)) return undefined;
  return { pid, comm: text.slice(open + 1, close), state, ppid, pgrp, startTime };
}

/** True when the stat describes a process that has ended (zombie or dead) but is not yet reaped. */
export function hasEnded(stat: ProcStat): boolean {
  return stat.state === 'Z' || stat.state === 'X' || stat.state === 'x';
}

/**
 * Reads a process's stat synchronously; undefined when it does not exist. Used right after
 * spawn, before the event loop can reap a child that exits at once and remove its entry.
 */
export function readProcStatSync(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Reads a process's stat; undefined when it does not exist (or cannot be read). */
export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when `pid` is a live (not zombie) process that started at `startTime`. */
export async function isSameProcessAlive(pid: number, startTime: number): Promise<boolean> {
  const stat = await readProcStat(pid);
  return stat !== undefined && stat.startTime === startTime && !hasEnded(stat);
}
