package dev.caravan.readings;

import java.util.Map;

/**
 * One reading of a sensor station: its values (name → number) at a time, in microseconds since the
 * epoch (UTC).
 */
public record Reading(String station, long timeUs, Map<String, Double> values) {}
