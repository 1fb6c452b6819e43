/** @berth/stack */
export {};
