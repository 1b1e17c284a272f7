package dev.caravan.dslog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** The rest of a reader's items as an {@link Iterator}, read lazily, one at a time. */
final class ReaderIterator<T> implements Iterator<T> {

  /** A reader's {@code next()}: an item, or null at the end. */
  interface Next<T> {
    T next() throws IOException;
  }

  private final Next<T> source;
  private T next;
  private boolean ended;

  ReaderIterator(Next<T> source) {
    this.source = source;
  }

  @Override
  public boolean hasNext() {
    if (next == null && !ended) {
      try {
        next = source.next();
      } catch (DslogFormatException e) {
        ended = true;
        throw new MalformedLogException(e);
      } catch (IOException e) {
        ended = true;
        throw new UncheckedIOException(e);
      }
      ended = next == null;
    }
    return next != null;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    T t = next;
    next = null;
    return t;
  }
}
