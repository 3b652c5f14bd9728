export * from "./organization";
export * from "./contact";
export * from "./contact-preference";
export * from "./text";
export * from "./video";
export * from "./individual";
export * from "./channel";
export * from "./message";
