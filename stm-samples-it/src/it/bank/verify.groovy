// Runs after the three builds of invoker.properties; their output is in one build.log.
def log = new File(basedir, 'build.log').text

assert log.contains('stm4j: wove 1 of 1 classes in target/classes') : 'the -Pweave build wove Account'
def passed = (log =~ /Tests run: 3, Failures: 0, Errors: 0, Skipped: 0/).count
assert passed >= 2 : "the woven and the stm-junit builds each ran the 3 tests and passed (saw ${passed})"

// the third build, with neither weaving nor stm-junit, fails, naming what is missing and the fix
assert log.contains('Stm.afterCommit called from @Atomic method com.example.Account.transfer that stm4j never rewrote')
assert log.contains('stm4j-maven-plugin')
assert log.contains('io.stm4j:stm-junit')
return true
