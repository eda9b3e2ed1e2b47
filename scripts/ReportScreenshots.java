// Screenshots of a run's report.html in headless chromium, for docs/: one PNG per section
// (docs/report-<section>.png). Chromium paints nothing when asked for a fragment (#probe) in
// headless screenshot mode, so this takes one full-height shot and crops it at the <h2> tops,
// which a small probe script reports through --dump-dom.
// Usage: java scripts/ReportScreenshots.java RUN_DIR/report.html [OUT_DIR=docs]
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

public class ReportScreenshots {
    static final int WIDTH = 1100;

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: java scripts/ReportScreenshots.java RUN_DIR/report.html [OUT_DIR]");
            System.exit(2);
        }
        Path report = Path.of(args[0]).toAbsolutePath();
        Path out = Path.of(args.length > 1 ? args[1] : "docs");
        Files.createDirectories(out);
        String browser = System.getenv().getOrDefault("ADVISOR_CHROMIUM", which());
        Path tmp = Files.createTempDirectory("report-shots-");
        Path page = tmp.resolve("report.html");
        String probe = "<script>addEventListener('load',function(){var s='';var h=document.querySelectorAll('h2');"
                + "for(var i=0;i<h.length;i++){s+=h[i].id+':'+Math.round(h[i].getBoundingClientRect().top+scrollY)+';';}"
                + "var d=document.createElement('pre');d.id='shot-sections';d.textContent=s+'end:'+document.documentElement.scrollHeight;"
                + "d.style.display='none';document.body.appendChild(d);});</script>";
        Files.writeString(page, Files.readString(report).replace("</body>", probe + "</body>"));
        String dom = chromium(browser, tmp, List.of("--window-size=" + WIDTH + ",1000", "--virtual-time-budget=10000", "--dump-dom",
                page.toUri().toString()));
        Matcher m = Pattern.compile("<pre id=\"shot-sections\"[^>]*>([^<]*)</pre>").matcher(dom);
        if (!m.find()) {
            throw new IllegalStateException("no section positions in the DOM");
        }
        List<String> ids = new ArrayList<>();
        List<Integer> tops = new ArrayList<>();
        for (String part : m.group(1).split(";")) {
            String[] kv = part.split(":");
            ids.add(kv[0]);
            tops.add(Integer.parseInt(kv[1]));
        }
        int height = tops.get(tops.size() - 1);
        Path full = tmp.resolve("full.png");
        chromium(browser, tmp, List.of("--hide-scrollbars", "--window-size=" + WIDTH + "," + height, "--virtual-time-budget=10000",
                "--screenshot=" + full, report.toUri().toString()));
        BufferedImage img = ImageIO.read(full.toFile());
        // the page top (title, headline, decision) goes with the first section
        tops.set(0, 0);
        for (int i = 0; i + 1 < ids.size(); i++) {
            String id = ids.get(i);
            if (id.isEmpty() || id.equals("end")) {
                continue;
            }
            int y0 = tops.get(i);
            int y1 = Math.min(Math.min(tops.get(i + 1), img.getHeight()), y0 + 2400);
            File f = out.resolve("report-" + id + ".png").toFile();
            ImageIO.write(img.getSubimage(0, y0, img.getWidth(), y1 - y0), "png", f);
            System.err.println("wrote " + f + " (" + img.getWidth() + "x" + (y1 - y0) + ")");
        }
    }

    static String which() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            for (String n : List.of("chromium", "chromium-browser", "google-chrome")) {
                if (new File(dir, n).canExecute()) {
                    return new File(dir, n).getPath();
                }
            }
        }
        throw new IllegalStateException("chromium not found; run scripts/install-deps --test");
    }

    static String chromium(String browser, Path tmp, List<String> extra) throws Exception {
        Path profile = Files.createTempDirectory(tmp, "profile-");
        List<String> cmd = new ArrayList<>(List.of(browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile));
        cmd.addAll(extra);
        Path stdout = tmp.resolve("stdout.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("chromium failed: " + cmd);
        }
        return Files.readString(stdout);
    }
}
