# Sourced by Kindling's scripts: kindling_java prints a java command of version 21 or newer.
# Order: $JAVA_HOME, java on the PATH, then any JDK under /usr/lib/jvm.
kindling_java_version() {
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}

kindling_java() {
    local candidate version
    for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java 2>/dev/null)" /usr/lib/jvm/*/bin/java; do
        [ -n "$candidate" ] && [ -x "$candidate" ] || continue
        version=$(kindling_java_version "$candidate")
        if [ -n "$version" ] && [ "$version" -ge 21 ]; then
            echo "$candidate"
            return 0
        fi
    done
    echo "No JDK 21 or newer found: set JAVA_HOME to one." >&2
    return 1
}
