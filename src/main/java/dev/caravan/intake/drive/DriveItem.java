package dev.caravan.intake.drive;

/**
 * A file as a Drive listing shows it.
 *
 * @param path the folder path below the polled folder and the name, for people (names are not
 *     unique in Drive: the id is the identity)
 * @param modified RFC 3339, as Drive gives it
 */
public record DriveItem(
    String id, String name, String path, long size, String md5, String modified, long version) {

  /** The ledger's source path: Drive's id and content MD5, so a new version is a new file. */
  public String sourcePath() {
    return id + ":" + md5;
  }
}
