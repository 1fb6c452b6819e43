/** @berth/scheduler */
export {};
