/**
 * The scheduler's word to every node, once a removed stack's tasks are gone, to delete what the
 * node still holds of it: the networks (and, when asked, the named volumes) berth created.
 */

/** Delete what is left of a removed stack on a node. */
export interface StackCleanup {
  stack: string;
  /** Also delete the stack's named volumes (`berth down -v`); external ones are never touched. */
  removeVolumes: boolean;
}
