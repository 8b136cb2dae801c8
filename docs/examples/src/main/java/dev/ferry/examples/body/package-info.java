/**
 * A streaming body transform as a plugin: {@link dev.ferry.examples.body.UpperCaseFactory} ({@code upper-case})
 * upper-cases bodies chunk by chunk as they pass, with the relay's backpressure, so bodies of any size pass in
 * constant memory.
 */
package dev.ferry.examples.body;
