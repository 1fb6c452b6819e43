/** Types of desired-set.mjs: is what runs exactly a stack's desired set? */
import type { LiveCopy } from './host-workloads.d.mts';

/** Replicas and allowed hosts (by number) of each service of a stack. */
export type DesiredServices = Readonly<Record<string, { replicas: number; hosts: readonly number[] }>>;

/** Why `copies` is not exactly the desired set of `stack`, none on `avoid` (empty when it is). */
export declare function desiredSetProblems(copies: readonly LiveCopy[], stack: string, desired: DesiredServices, avoid?: readonly number[]): string[];
