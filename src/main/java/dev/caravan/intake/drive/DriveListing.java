package dev.caravan.intake.drive;

import com.google.api.services.drive.Drive;
import com.google.api.services.drive.model.File;
import com.google.api.services.drive.model.FileList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The complete listing of the polled folder (and its sub-folders): every page to the end, trashed
 * files left out, shared drives included, only the fields Caravan needs. Any failure fails the
 * whole listing: a folder Caravan could not read never looks empty.
 */
final class DriveListing {

  static final String FOLDER = "application/vnd.google-apps.folder";
  private static final String FIELDS =
      "nextPageToken, incompleteSearch, files(id, name, mimeType, size, md5Checksum, modifiedTime,"
          + " parents, version)";

  private final Drive drive;
  private final DriveCalls calls;
  private final DriveSettings settings;

  /** The folder to poll, found once. */
  record Folder(String id, String name, String driveId) {}

  /** One listing: the files, and how many pages and folders it took. */
  record Result(List<DriveItem> files, int pages, int folders) {}

  DriveListing(Drive drive, DriveCalls calls, DriveSettings settings) {
    this.drive = drive;
    this.calls = calls;
    this.settings = settings;
  }

  /** The configured folder, by id or by a name that must be unique. */
  Folder folder() throws DriveException {
    if (settings.folderId() != null) {
      File f =
          calls.call(
              "looking up the Drive folder " + settings.folderId(),
              () ->
                  drive
                      .files()
                      .get(settings.folderId())
                      .setSupportsAllDrives(true)
                      .setFields("id, name, mimeType, trashed, driveId")
                      .execute());
      if (!FOLDER.equals(f.getMimeType()) || Boolean.TRUE.equals(f.getTrashed())) {
        throw new DriveException(
            DriveException.Kind.CONFIGURATION,
            "caravan.drive.folder-id "
                + settings.folderId()
                + " ("
                + f.getName()
                + ") is "
                + (Boolean.TRUE.equals(f.getTrashed()) ? "in the trash" : "not a folder"),
            null);
      }
      return new Folder(f.getId(), f.getName(), f.getDriveId());
    }
    if (settings.folderName() == null) {
      throw new DriveException(
          DriveException.Kind.CONFIGURATION,
          "set caravan.drive.folder-id or caravan.drive.folder-name: which Drive folder to poll",
          null);
    }
    String q =
        "mimeType = '"
            + FOLDER
            + "' and name = '"
            + quote(settings.folderName())
            + "' and trashed = false";
    List<File> found = new ArrayList<>();
    String what = "looking for the Drive folder named '" + settings.folderName() + "'";
    String token = null;
    do {
      String page = token;
      FileList list =
          calls.call(
              what,
              () ->
                  drive
                      .files()
                      .list()
                      .setQ(q)
                      .setCorpora("allDrives")
                      .setSupportsAllDrives(true)
                      .setIncludeItemsFromAllDrives(true)
                      .setFields("nextPageToken, files(id, name, driveId, parents)")
                      .setPageToken(page)
                      .execute());
      if (list.getFiles() != null) {
        found.addAll(list.getFiles());
      }
      token = list.getNextPageToken();
    } while (token != null);
    if (found.isEmpty()) {
      throw new DriveException(
          DriveException.Kind.NOT_FOUND,
          "no Drive folder named '"
              + settings.folderName()
              + "' is visible to this account (caravan.drive.folder-name): check the name, or"
              + " share the folder with the account",
          null);
    }
    if (found.size() > 1) {
      throw new DriveException(
          DriveException.Kind.CONFIGURATION,
          found.size()
              + " Drive folders are named '"
              + settings.folderName()
              + "': "
              + found.stream()
                  .map(f -> f.getId() + " (in " + f.getParents() + ")")
                  .collect(Collectors.joining(", "))
              + ". Set caravan.drive.folder-id to the one to poll.",
          null);
    }
    File f = found.get(0);
    return new Folder(f.getId(), f.getName(), f.getDriveId());
  }

  /** Every file below the folder (recursively when configured), page by page to the end. */
  Result list(Folder root) throws DriveException {
    List<DriveItem> files = new ArrayList<>();
    Deque<String[]> folders = new ArrayDeque<>(); // {id, path prefix}
    folders.add(new String[] {root.id(), ""});
    int pages = 0;
    int folderCount = 0;
    while (!folders.isEmpty()) {
      String[] folder = folders.poll();
      folderCount++;
      String q = "'" + quote(folder[0]) + "' in parents and trashed = false";
      String what =
          "listing Drive folder '"
              + (folder[1].isEmpty() ? root.name() : root.name() + "/" + folder[1])
              + "' ("
              + folder[0]
              + ")";
      String token = null;
      do {
        String pageToken = token;
        FileList page =
            calls.call(
                what + (pageToken == null ? "" : ", page " + (pages + 1)),
                () -> {
                  Drive.Files.List req =
                      drive
                          .files()
                          .list()
                          .setQ(q)
                          .setFields(FIELDS)
                          .setPageSize(settings.pageSize())
                          .setSupportsAllDrives(true)
                          .setIncludeItemsFromAllDrives(true)
                          .setPageToken(pageToken);
                  if (root.driveId() != null) {
                    req.setCorpora("drive").setDriveId(root.driveId());
                  } else {
                    req.setCorpora("user");
                  }
                  return req.execute();
                });
        pages++;
        if (Boolean.TRUE.equals(page.getIncompleteSearch())) {
          throw new DriveException(
              DriveException.Kind.SERVER,
              what + ": Drive says the search was incomplete; not trusting a partial listing",
              null);
        }
        for (File f : page.getFiles() == null ? List.<File>of() : page.getFiles()) {
          String path = folder[1].isEmpty() ? f.getName() : folder[1] + "/" + f.getName();
          if (FOLDER.equals(f.getMimeType())) {
            if (settings.recursive()) {
              folders.add(new String[] {f.getId(), path});
            }
          } else if (f.getMd5Checksum() != null && f.getSize() != null) {
            // Google Docs and shortcuts have no bytes of their own to download: not ours
            files.add(
                new DriveItem(
                    f.getId(),
                    f.getName(),
                    path,
                    f.getSize(),
                    f.getMd5Checksum(),
                    f.getModifiedTime() == null ? "" : f.getModifiedTime().toStringRfc3339(),
                    f.getVersion() == null ? 0 : f.getVersion()));
          }
        }
        token = page.getNextPageToken();
      } while (token != null);
    }
    return new Result(files, pages, folderCount);
  }

  /** Drive's query language quotes with ' and escapes with \. */
  static String quote(String s) {
    return s.replace("\\", "\\\\").replace("'", "\\'");
  }
}
